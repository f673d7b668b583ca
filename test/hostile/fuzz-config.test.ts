/**
 * Fuzz (fast-check, fixed seed): random `.openrouter-check.yml` files — plausible and implausible
 * keys and values, wrong types, keys in the real format where a name or URL belongs, top-level
 * scalars, text that is not YAML — audited by the built CLI. Whatever the file holds, the run exits
 * 0, 1 or 2; a 2 is exactly one line on stderr, never a stack trace nor an internal error; a 0 or 1
 * prints its JSON report; and no key is ever shown whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { PLAIN } from '../support/plain-http.js';
import { makeTree } from '../support/tree.js';
import { BUILT_IN_CHECKS } from '../../src/checks/index.js';
import { KEY_GUARD_CHECKS } from '../../src/config/operator-settings.js';

const SEED = 8_112_026;
/** Config files audited per run, each by one CLI process. */
const CONFIGS = 30;
/** CLI processes at a time: the machine is shared. */
const CONCURRENCY = 3;

const STACK_FRAME = /\n\s+at /;

/** Built at run time: the repository never holds a string in the key format. */
const keyArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => 'sk-or' + '-v1-' + Buffer.from(bytes).toString('hex'));

/** Every built-in id, from the registry: a new check is fuzzed without touching this test. */
const CHECK_IDS = BUILT_IN_CHECKS.map((check) => check.id);
/** The ids a repository's config may set any severity of: lowering a key-guard check there is refused (exit 2). */
const FREELY_SET_IDS = CHECK_IDS.filter((id) => !KEY_GUARD_CHECKS.has(id));
const OPTION_NAMES = ['severity', 'warn_days', 'min_remaining', 'model', 'max_age_days', 'min', 'enabled', 'options'];

/** Anything YAML can hold, with the scalars YAML 1.1 and 1.2 read differently. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('off', 'on', 'yes', 'no', '~', '.inf', '-.inf', '.nan', '0x1F', '1e999', '-0', '', ' ', '!!binary', '*alias', '&anchor'),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double(),
  fc.bigInt().map((big) => big.toString()),
  keyArbitrary,
);
/** A value or a key where the value belongs: names, URLs, severities, options. */
const plausibleOr = <T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: plausible as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });

/** Severities every check accepts. */
const validSeverity = fc.constantFrom('off', 'warn', 'error', true, false);
// Patterns that keep src/app.ts in the file set: a run with no file to audit is exit 2, never a pass.
const validInclude = fc.constantFrom('src/', '*.ts', '**/*.ts');
const validExclude = fc.constantFrom('!keep.ts', '/build', 'generated/', '**/*.snap');
const validModelId = fc.constantFrom('openai/gpt-4o', 'anthropic/claude-3.5-haiku', 'meta-llama/llama-3.3-70b-instruct:free', 'google/gemini-2.0-flash-001');
const oneOrList = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(item as fc.Arbitrary<unknown>, fc.array(item, { maxLength: 4 }));

/**
 * A config the loader should accept from the audited repository: the run goes on to audit (exit 0
 * or 1). Operator settings only at their defaults, budgets within the repository's bounds.
 */
const valid = fc.record(
  {
    checks: fc.dictionary(fc.constantFrom(...FREELY_SET_IDS), validSeverity, { maxKeys: 5 }),
    scan: fc.record(
      {
        include: fc.oneof(validInclude, fc.array(validInclude, { minLength: 1, maxLength: 3 })),
        exclude: oneOrList(validExclude),
        max_file_size: fc.integer({ min: 1, max: 10_000_000 }),
      },
      { requiredKeys: [] },
    ),
    models: fc.record(
      { primary: validModelId, fallbacks: fc.array(validModelId, { maxLength: 3 }), required: fc.array(validModelId, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    api: fc.record(
      {
        base_url: fc.constantFrom('https://openrouter.ai/api/v1', 'https://openrouter.ai/api/v1/'),
        key_env: fc.constant('OPENROUTER_API_KEY'),
        timeout_ms: fc.integer({ min: 1000, max: 30_000 }),
        retries: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: [] },
    ),
    plugins: fc.constant([]),
  },
  { requiredKeys: [] },
);

/** A valid config with one section replaced by anything. */
const oneWrong = fc
  .tuple(valid, fc.constantFrom('checks', 'scan', 'models', 'api', 'plugins', 'unknown_key'), anyValue)
  .map(([config, section, value]) => ({ ...config, [section]: value }));

const severity = plausibleOr(validSeverity);
const checkSetting = fc.oneof(
  severity,
  fc.dictionary(
    fc.oneof(fc.constantFrom(...OPTION_NAMES), fc.string({ maxLength: 10 })),
    plausibleOr(fc.oneof(fc.integer({ min: -5, max: 400 }), fc.constantFrom('warn', 'openai/gpt-4o'))),
    {
      maxKeys: 3,
    },
  ),
);
const checks = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CHECK_IDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  checkSetting,
  {
    maxKeys: 5,
  },
);

const pattern = plausibleOr(fc.constantFrom('src/', '*.ts', '!keep.ts', '/build', '**', '', '\\', '[', '../outside', '/etc/passwd', '**/*.{ts,js}'));
const scan = fc.record(
  {
    include: oneOrList(pattern),
    exclude: oneOrList(pattern),
    max_file_size: plausibleOr(fc.oneof(fc.integer({ min: -1, max: 10_000_000 }), fc.constantFrom('1MB', '10 KB', '2 MiB', 'lots', '0'))),
  },
  { requiredKeys: [] },
);

const modelId = plausibleOr(
  fc.constantFrom('openai/gpt-4o', 'anthropic/claude-3.5-haiku', 'meta-llama/llama-3.3-70b-instruct:free', 'nope', '', 'a/b/c', ' openai/gpt-4o'),
);
const models = fc.record(
  { primary: modelId, fallbacks: plausibleOr(fc.array(modelId, { maxLength: 4 })), required: plausibleOr(fc.array(modelId, { maxLength: 4 })) },
  { requiredKeys: [] },
);

const api = fc.record(
  {
    base_url: plausibleOr(
      fc.oneof(
        fc.constantFrom(
          'https://openrouter.ai/api/v1',
          `${PLAIN}example.com/api/v1`,
          `${PLAIN}127.0.0.1:9/api/v1`,
          `${PLAIN}127.0.0.1.evil.example`,
          'ftp://openrouter.ai',
          'not a url',
          'https://',
        ),
        keyArbitrary.map((key) => `https://openrouter.ai/${key}/api/v1`),
        keyArbitrary.map((key) => `${PLAIN}example.com/?key=${key}`),
      ),
    ),
    key_env: plausibleOr(fc.oneof(fc.constantFrom('OPENROUTER_API_KEY', 'MY_KEY', '1BAD', '', 'PATH'), keyArbitrary)),
    timeout_ms: plausibleOr(fc.integer({ min: -10, max: 100_000 })),
    retries: plausibleOr(fc.integer({ min: -1, max: 20 })),
  },
  { requiredKeys: [] },
);
/** Only names that cannot load a real module: a random one might name a package that is installed. */
const plugins = fc.constantFrom([], ['./no-such-plugin.mjs'], ['no-such-package-for-openrouter-check'], 'x', 42, [null], [{}], ['']);

/** Every section may be wrong in any way. */
const hostile = fc.record(
  { checks: plausibleOr(checks), scan: plausibleOr(scan), models: plausibleOr(models), api: plausibleOr(api), plugins, unknown_key: anyValue },
  { requiredKeys: [] },
);
/** The text of a config file: YAML of a mapping, YAML of anything, or text that may not be YAML at all. */
const configText = fc.oneof(
  { weight: 3, arbitrary: valid.map((value) => stringify(value)) },
  { weight: 3, arbitrary: oneWrong.map((value) => stringify(value)) },
  { weight: 2, arbitrary: hostile.map((value) => stringify(value)) },
  { weight: 1, arbitrary: anyValue.map((value) => stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(valid, fc.constantFrom('\t', ': :', '- [', '"', '\0', '&a *a', '<<: *x')).map(([value, junk]) => `${stringify(value)}${junk}\n`),
  },
);

/** `work` over `items`, `limit` at a time, results in order. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const keysIn = (text: string): string[] => text.match(/sk-or-v1-[0-9a-f]{64}/g) ?? [];

describe('random config files', () => {
  it(`${CONFIGS} random configs: exit 0, 1 or 2; a 2 is one line, no stack trace; no key shown whole`, async () => {
    // Generated once (not shrunk): each case is a CLI process; a failure prints its config.
    const configs = fc.sample(configText, { seed: SEED, numRuns: CONFIGS });
    const runs = await inPool(configs, CONCURRENCY, (config): Promise<CliRun> => {
      const root = makeTree({ '.openrouter-check.yml': config, 'src/app.ts': "export const url = 'https://openrouter.ai/api/v1';\n" });
      return runCli([root, '--offline', '--format', 'json']);
    });

    for (const [index, config] of configs.entries()) {
      const run = runs[index]!;
      const label = `config ${index} (seed ${SEED}):\n${config}\nstderr: ${run.stderr}`;
      expect([0, 1, 2], label).toContain(run.status);
      expect(run.stderr, label).not.toMatch(STACK_FRAME);
      expect(run.stderr, label).not.toMatch(/internal error/);
      if (run.status === 2) {
        expect(run.stdout, label).toBe('');
        expect(run.stderr.endsWith('\n') && run.stderr.trimEnd().split('\n').length === 1, label).toBe(true);
      } else {
        expect((JSON.parse(run.stdout) as { schemaVersion: number }).schemaVersion, label).toBe(1);
      }
      for (const key of keysIn(config)) expect((run.stdout + run.stderr).includes(key), `${label}\na key is shown whole`).toBe(false);
    }
    // The generator must keep reaching both sides: configs refused, and configs that lead to an audit.
    const statuses = runs.map((run) => run.status);
    expect(statuses.filter((status) => status === 2).length).toBeGreaterThanOrEqual(CONFIGS / 5);
    expect(statuses.filter((status) => status !== 2).length).toBeGreaterThanOrEqual(CONFIGS / 5);
  });
});
