/**
 * Fuzz (fast-check, fixed seed): small trees of random file contents — random bytes, code
 * fragments, keys in the real format made at run time, plain-http URLs, unicode, NULs, CRLF —
 * audited by the built CLI, every report format at once. Whatever the files hold, the run exits 0
 * or 1, every output parses in its format, and no key appears whole anywhere: the masked form only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { maskKey } from '../../src/workspace/secrets.js';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { PLAIN } from '../support/plain-http.js';
import { validateCodeQuality } from '../support/gitlab-code-quality.js';
import { validateSarif } from '../support/sarif.js';
import { makeTree } from '../support/tree.js';

const SEED = 20_261_125;
/** Trees audited per run: each is one CLI process writing every format. */
const TREES = 20;
/** CLI processes at a time: the machine is shared. */
const CONCURRENCY = 3;

const JUNIT_XSD = { fileName: 'junit.xsd', contents: readFileSync(new URL('../schemas/junit.xsd', import.meta.url), 'utf8') };

/** Built at run time: the repository never holds a string in the key format. */
const keyFrom = (bytes: Uint8Array): string => 'sk-or' + '-v1-' + Buffer.from(bytes).toString('hex');
const keyArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(keyFrom);

/** What sits next to a key: delimiters a real file has around a secret, so the key stays a key. */
const DELIMITERS = [' ', '"', "'", '`', '=', ':', '(', ')', ',', ';', '\n', '\r\n', '\t', '\0', '/', '<', '>', 'é'];

const FRAGMENTS = [
  "import OpenAI from 'openai';\n",
  "const client = new OpenAI({ baseURL: 'https://openrouter.ai/api/v1', apiKey: process.env.OPENROUTER_API_KEY });\n",
  "await client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: q }] });\n",
  'max_tokens: 200, ',
  "models: ['anthropic/claude-3.5-haiku', 'google/gemini-2.0-flash-001'], ",
  `fetch('${PLAIN}openrouter.ai/api/v1/chat/completions', { method: 'POST', headers: { Authorization: \`Bearer \${key}\` } });\n`,
  `const url = "${PLAIN}openrouter.ai/api/v1";\n`,
  '// openrouter-check-disable-next-line hardcoded-key\n',
  '// openrouter-check-disable-line\n',
  'from openai import OpenAI\nclient = OpenAI(base_url="https://openrouter.ai/api/v1")\n',
  'OPENROUTER_API_KEY=',
  'export default { ',
  '}',
  '{',
  '(',
  ')',
  '/*',
  '*/',
  '"',
  "'",
  '`',
  '${',
  '<script>',
  '</script>',
  '\\',
  '\n'.repeat(50),
  'x'.repeat(3000),
  '\u202e\u2066',
  '\ufeff',
  '\0',
  '\r\n',
  '\r',
];

const keyInContext = fc
  .tuple(fc.constantFrom(...DELIMITERS), keyArbitrary, fc.constantFrom(...DELIMITERS))
  .map(([before, key, after]) => ({ text: `${before}${key}${after}`, keys: [key] }));
const plainText = (text: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; keys: string[] }> => text.map((value) => ({ text: value, keys: [] }));
const piece = fc.oneof(
  { weight: 4, arbitrary: plainText(fc.constantFrom(...FRAGMENTS)) },
  { weight: 2, arbitrary: keyInContext },
  { weight: 1, arbitrary: plainText(fc.string({ unit: 'binary', maxLength: 40 })) },
  { weight: 1, arbitrary: plainText(fc.string({ unit: 'grapheme', maxLength: 40 })) },
  { weight: 1, arbitrary: plainText(fc.webUrl().map((url) => url.replace(/^https?:\/\//, PLAIN))) },
);

/** One file: a mix of pieces as text, or raw random bytes (a key may still sit among them). */
const contents: fc.Arbitrary<{ bytes: Buffer; keys: string[] }> = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((pieces) => ({
    bytes: Buffer.from(pieces.map((one) => one.text).join('')),
    keys: pieces.flatMap((one) => one.keys),
  })),
  fc.tuple(fc.uint8Array({ maxLength: 4000 }), fc.option(keyInContext, { nil: undefined })).map(([bytes, key]) => ({
    bytes: Buffer.concat([Buffer.from(bytes), Buffer.from(key?.text ?? '')]),
    keys: key?.keys ?? [],
  })),
);

const FILE_NAMES = [
  'src/a.ts',
  'src/b.js',
  'src/c.tsx',
  'src/d.mjs',
  'src/e.cts',
  'app.py',
  'lib/util.jsx',
  '.env',
  '.env.local',
  'README.md',
  'config.json',
  'public/index.html',
  '.github/workflows/ci.yml',
];

interface FuzzTree {
  files: Record<string, Buffer>;
  keys: string[];
}

const trees: fc.Arbitrary<FuzzTree> = fc.dictionary(fc.constantFrom(...FILE_NAMES), contents, { minKeys: 1, maxKeys: 6 }).map((entries) => ({
  files: Object.fromEntries(Object.entries(entries).map(([name, content]) => [name, content.bytes])),
  keys: Object.values(entries).flatMap((content) => content.keys),
}));

/** A file every tree has: a key the hardcoded-key check must find, so the masked form must show. */
const ANCHOR_FILE = 'src/client.ts';
const anchorSource = (key: string): string => `export const apiKey = '${key}';\n`;

const FORMATS = ['text', 'junit', 'sarif', 'github', 'gitlab'] as const;

interface Outputs {
  run: CliRun;
  reports: Record<(typeof FORMATS)[number], string>;
}

async function auditEveryFormat(tree: FuzzTree, anchorKey: string): Promise<Outputs> {
  const root = makeTree({ ...tree.files, [ANCHOR_FILE]: anchorSource(anchorKey) });
  const out = makeTree({});
  const run = await runCli([root, '--offline', '--format', 'json', ...FORMATS.flatMap((format) => ['--report', `${format}=${join(out, `report.${format}`)}`])]);
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : `(no ${file})`);
  const reports = Object.fromEntries(FORMATS.map((format) => [format, read(join(out, `report.${format}`))])) as Outputs['reports'];
  return { run, reports };
}

/** `work` over `items`, `limit` at a time, results in order. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!, index);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('random file contents', () => {
  it(`${TREES} random trees: exit 0 or 1, every format parses, no key shown whole`, async () => {
    // Generated once (not shrunk): each case is a CLI process; a failure names its tree.
    const cases = fc.sample(fc.tuple(trees, keyArbitrary), { seed: SEED, numRuns: TREES });
    const outputs = await inPool(cases, CONCURRENCY, ([tree, anchorKey]) => auditEveryFormat(tree, anchorKey));

    for (const [index, [tree, anchorKey]] of cases.entries()) {
      const { run, reports } = outputs[index]!;
      const label = `tree ${index} (seed ${SEED}): ${JSON.stringify(Object.keys(tree.files))}`;
      expect(run.stderr, label).toBe('');
      expect([0, 1], label).toContain(run.status);

      const json = JSON.parse(run.stdout) as { schemaVersion: number; checks: Array<{ id: string; findings: Array<{ message: string; file?: string }> }> };
      expect(json.schemaVersion, label).toBe(1);
      const anchorFindings = json.checks.find((check) => check.id === 'hardcoded-key')!.findings.filter((finding) => finding.file === ANCHOR_FILE);
      expect(anchorFindings.map((finding) => finding.message).join('\n'), label).toContain(maskKey(anchorKey));

      const sarif = JSON.parse(reports.sarif) as object;
      expect(validateSarif(sarif), `${label}: ${JSON.stringify(validateSarif.errors)}`).toBe(true);
      expect(validateCodeQuality(JSON.parse(reports.gitlab)), `${label}: ${JSON.stringify(validateCodeQuality.errors)}`).toBe(true);
      const junit = await validateXML({ xml: [{ fileName: 'report.junit', contents: reports.junit }], schema: [JUNIT_XSD] });
      expect(junit.errors, label).toEqual([]);
      expect(reports.text.trimEnd().split('\n').at(-1), label).toMatch(/^\d+ passed, \d+ failed, \d+ warned, \d+ skipped$/);
      // GitHub workflow commands: one per line, nothing that could end one early or start another.
      for (const line of reports.github.split('\n').filter(Boolean)) expect(line, label).toMatch(/^::(error|warning|notice)( [^:]*)?::[^\r]*$/);

      const everything = [run.stdout, run.stderr, ...Object.values(reports)].join('\n');
      for (const key of [anchorKey, ...tree.keys]) expect(everything.includes(key), `${label}: a key is shown whole`).toBe(false);
    }
  });
});
