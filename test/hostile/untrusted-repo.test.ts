/**
 * The audited repository is untrusted: a pull request wrote every file of the checkout, and CI runs
 * the audit with the production key in the environment. End to end, with real files and a real TLS
 * listener on 127.0.0.1 whose certificate the CLI trusts (NODE_EXTRA_CA_CERTS), so a repository
 * that could choose the base URL really would reach it:
 *
 * - the repository's config cannot send the key elsewhere (another base URL) nor send another
 *   variable as the key (api.key_env): exit 2, one line, and the listener sees no request at all;
 *   the same settings from the operator (a --config outside the folder, a flag, a variable) are used
 *   and the reports name the host the key went to;
 * - a plugin module the config lists does not run without the operator's permission, whatever the
 *   mode (--offline, --list-checks, --explain), and does with --allow-plugins or the variable;
 * - the repository's config is read only from a regular file: a symbolic link to a secret outside is
 *   refused without quoting it;
 * - config errors mask values shaped like credentials (a GitHub token here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun, CliRunOptions } from '../support/cli.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { makeTree } from '../support/tree.js';
import { generateGitHubToken, generateKey } from '../support/workspace.js';
import { selfSignedCertificate } from '../support/certificate.js';
import { STACK_FRAME } from './support/audit.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const MODELS = `models:
  primary: openai/gpt-4o-mini
  fallbacks: [anthropic/claude-3.5-haiku]
`;
const key = generateKey();
const scenario: FakeScenario = {
  keys: { [key]: FAKE_KEYS.limited },
  models: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku')],
};
const USE_CONFIG = '(or --config with a file outside the audited folder)';
const BASE_URL_REFUSED = `api.base_url is an operator setting: the audited repository cannot choose where the key goes; use --base-url or OPENROUTER_CHECK_BASE_URL ${USE_CONFIG}`;
const KEY_ENV_REFUSED = `api.key_env is an operator setting: the audited repository cannot choose which environment variable is sent as the key; use --key-env or OPENROUTER_CHECK_KEY_ENV ${USE_CONFIG}`;

/** A checkout with some code, and whatever files the pull request adds. */
function checkout(files: Record<string, string> = {}): string {
  return makeTree({ 'src/app.ts': 'export const answer = 42;\n', ...files });
}

/** Runs from the checkout, as CI does, with the key in the environment. */
function audit(root: string, args: readonly string[], env: Record<string, string> = {}, options: CliRunOptions = {}): Promise<CliRun> {
  return runCli(['.', ...args], { cwd: root, env: { OPENROUTER_API_KEY: key, ...env }, ...options });
}

/** Exit 2 with exactly this one line on stderr, nothing on stdout, no stack trace. */
function expectRefused(run: CliRun, line: string): void {
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
}

interface JsonReport {
  remote?: { host: string; baseUrl: string };
  plugins?: { notLoaded: string[] };
  checks: Array<{ id: string; status: string }>;
}

describe('where the key goes', () => {
  const certificate = selfSignedCertificate();
  let listener: FakeOpenRouter;
  let trusted: Record<string, string>;
  beforeAll(async () => {
    if (!certificate) return;
    listener = await startFakeOpenRouter(scenario, { tls: certificate });
    trusted = { NODE_EXTRA_CA_CERTS: certificate.certFile };
  });
  afterAll(() => listener?.close());
  beforeEach(() => {
    if (listener) listener.requests.length = 0;
  });

  it.skipIf(certificate === undefined)('a repository config naming another https base URL: exit 2, one line, and the listener receives nothing', async () => {
    const before = listener.connections;
    for (const [file, args] of [
      ['.openrouter-check.yml', []],
      ['.openrouter-check.yaml', []],
      // --config inside the audited folder is the repository's too.
      ['ci/openrouter-check.yml', ['--config', 'ci/openrouter-check.yml']],
    ] as const) {
      const root = checkout({ [file]: `${MODELS}api:\n  base_url: ${listener.baseUrl}\n` });
      const run = await audit(root, ['--only', REMOTE.join(','), ...args], trusted);
      expectRefused(run, `config error: ${file}:5: ${BASE_URL_REFUSED}`);
    }
    expect(listener.requests).toEqual([]);
    expect(listener.connections).toBe(before);
  });

  it.skipIf(certificate === undefined)(
    "the same URL from the operator's --config outside the folder is used, and the text and JSON reports name that host",
    async () => {
      const root = checkout({ '.openrouter-check.yml': MODELS });
      const operator = join(makeTree({ 'openrouter-check.yml': `${MODELS}api:\n  base_url: ${listener.baseUrl}\n` }), 'openrouter-check.yml');
      const args = ['--only', REMOTE.join(','), '--config', operator];

      const text = await audit(root, args, trusted);
      expect(text.stderr).toBe('');
      expect(text.status).toBe(0);
      expect(text.stdout.split('\n')).toContain(`remote checks: 5 ran against ${listener.host}, 2 skipped — not selected by --only`);

      const json = await audit(root, [...args, '--format', 'json'], trusted);
      expect((JSON.parse(json.stdout) as JsonReport).remote).toEqual({ host: listener.host, baseUrl: listener.baseUrl });
      expect(listener.requestsTo('/key').map((request) => request.headers.authorization)).toEqual([`Bearer ${key}`, `Bearer ${key}`]);
    },
  );

  it.skipIf(certificate === undefined)("the operator may name it with OPENROUTER_CHECK_BASE_URL or --base-url too, over the repository's default", async () => {
    const root = checkout({ '.openrouter-check.yml': `${MODELS}api:\n  base_url: https://openrouter.ai/api/v1\n` });
    for (const [args, env] of [
      [[], { OPENROUTER_CHECK_BASE_URL: listener.baseUrl }],
      [['--base-url', listener.baseUrl], { OPENROUTER_CHECK_BASE_URL: 'https://elsewhere.invalid/api/v1' }],
    ] as const) {
      const run = await audit(root, ['--only', 'auth', '--format', 'json', ...args], { ...trusted, ...env });
      expect(run.stderr).toBe('');
      expect((JSON.parse(run.stdout) as JsonReport).remote).toEqual({ host: listener.host, baseUrl: listener.baseUrl });
    }
    expect(listener.requestsTo('/key')).toHaveLength(2);
  });

  it.skipIf(certificate === undefined)('api.key_env in the repository config never sends that variable: exit 2 and nothing reaches the server', async () => {
    const otherSecret = generateGitHubToken();
    const root = checkout({ '.openrouter-check.yml': `${MODELS}api:\n  key_env: SOME_OTHER_SECRET\n` });
    const run = await audit(root, ['--only', REMOTE.join(','), '--base-url', listener.baseUrl], { ...trusted, SOME_OTHER_SECRET: otherSecret });
    expectRefused(run, `config error: .openrouter-check.yml:5: ${KEY_ENV_REFUSED}`);
    expect(listener.requests).toEqual([]);
    expect(JSON.stringify(listener.requests)).not.toContain(otherSecret);

    // The operator may: then that variable, and only it, is the key.
    const plain = checkout({ '.openrouter-check.yml': MODELS });
    const allowed = await audit(plain, ['--only', 'auth', '--base-url', listener.baseUrl, '--key-env', 'SOME_OTHER_KEY'], {
      ...trusted,
      OPENROUTER_API_KEY: 'not-this-one',
      SOME_OTHER_KEY: key,
    });
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    expect(listener.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${key}`]);
  });

  it.skipIf(certificate === undefined)('retries and time limits beyond the repository bounds are refused, naming the flag', async () => {
    const retries = checkout({ '.openrouter-check.yml': `${MODELS}api:\n  retries: 10\n` });
    expectRefused(
      await audit(retries, ['--base-url', listener.baseUrl]),
      `config error: .openrouter-check.yml:5: api.retries above 3 is an operator setting: the audited repository may set 0 to 3 (each retry may be one more paid request); use --retries ${USE_CONFIG}`,
    );
    const timeout = checkout({ '.openrouter-check.yml': `${MODELS}api:\n  timeout_ms: 600000\n` });
    expectRefused(
      await audit(timeout, ['--base-url', listener.baseUrl]),
      `config error: .openrouter-check.yml:5: api.timeout_ms outside 1000..30000 is an operator setting: the audited repository may set 1000 to 30000 ms; use --timeout ${USE_CONFIG}`,
    );
    expect(listener.requests).toEqual([]);
  });
});

describe('plugins run only when the operator allows them', () => {
  /** A repository whose config lists a module that leaves a marker when it is imported. */
  function withPlugin(): { root: string; marker: string } {
    const root = checkout({
      '.openrouter-check.yml': 'plugins: [./tools/rules.mjs]\nchecks:\n  repo-rule: error\n',
      'tools/rules.mjs': `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported.marker', import.meta.url), 'the module ran');
export default { id: 'repo-rule', title: 'A rule of the repository', category: 'reliability', kind: 'static', defaultSeverity: 'warn',
  docs: 'A test plugin.', async run() { return []; } };
`,
    });
    return { root, marker: join(root, 'tools/imported.marker') };
  }
  const WARNING =
    'warning: plugins not loaded: ./tools/rules.mjs (a plugin is code from the config; allow it with --allow-plugins or OPENROUTER_CHECK_ALLOW_PLUGINS=1); ' +
    'settings for checks.repo-rule ignored (no known check has that id)';

  it.each([
    { mode: 'an audit', args: ['--format', 'json'] },
    { mode: '--offline', args: ['--offline', '--format', 'json'] },
    { mode: '--list-checks', args: ['--list-checks'] },
    { mode: '--explain of a built-in', args: ['--explain', 'hardcoded-key'] },
  ])('$mode: nothing of it is imported, and one warning line says so', async ({ args }) => {
    const { root, marker } = withPlugin();
    const run = await audit(root, ['--only', 'hardcoded-key', ...args]);
    expect(existsSync(marker)).toBe(false);
    expect(run.stderr).toBe(`${WARNING}\n`);
    expect(run.status).toBe(0);
    if (args.includes('--format')) {
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.plugins).toEqual({ notLoaded: ['./tools/rules.mjs'] });
      expect(report.checks.map((check) => check.id)).not.toContain('repo-rule');
    }
  });

  it("--explain of the plugin's own check: not a known check, and the module still does not run", async () => {
    const { root, marker } = withPlugin();
    const run = await audit(root, ['--explain', 'repo-rule']);
    expect(existsSync(marker)).toBe(false);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`${WARNING}\nerror: --explain: "repo-rule" is not a known check (see --list-checks)\n`);
  });

  it("an operator's --config does not load plugins without the permission either", async () => {
    const { root, marker } = withPlugin();
    const operator = join(makeTree({ 'o.yml': `plugins: [${join(root, 'tools/rules.mjs')}]\n` }), 'o.yml');
    const run = await audit(root, ['--offline', '--config', operator, '--only', 'hardcoded-key']);
    expect(existsSync(marker)).toBe(false);
    expect(run.stderr).toMatch(
      /^warning: plugins not loaded: \S+rules\.mjs \(a plugin is code from the config; allow it with --allow-plugins or OPENROUTER_CHECK_ALLOW_PLUGINS=1\)\n$/,
    );
    expect(run.status).toBe(0);
  });

  it.each<{ name: string; args: string[]; env: Record<string, string> }>([
    { name: '--allow-plugins', args: ['--allow-plugins'], env: {} },
    { name: 'OPENROUTER_CHECK_ALLOW_PLUGINS=1', args: [], env: { OPENROUTER_CHECK_ALLOW_PLUGINS: '1' } },
  ])('with $name it runs, and its check is in the report', async ({ args, env }) => {
    const { root, marker } = withPlugin();
    const run = await audit(root, ['--offline', '--format', 'json', ...args], env);
    expect(run.stderr).toBe('');
    expect(existsSync(marker)).toBe(true);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.checks.find((check) => check.id === 'repo-rule')).toMatchObject({ status: 'pass' });
    expect(report.plugins).toBeUndefined();
  });
});

describe("the repository's config is read only from a regular file in the audited folder", () => {
  const LINK_REFUSED =
    "config error: .openrouter-check.yml: expected a file, found a symbolic link: the audited repository's config must be a regular file in the audited folder (an operator's config can be named with --config)";

  it('a symbolic link to a file outside holding a secret is refused without quoting any of it', async () => {
    const token = generateGitHubToken();
    const secretKey = generateKey();
    // YAML-ish on purpose: read as a config, it would be quoted in an error ("… is not a known setting").
    const outside = makeTree({ 'token.txt': `${token}: ${secretKey}\nGITHUB_TOKEN=${token}\n` });
    const root = checkout();
    symlinkSync(join(outside, 'token.txt'), join(root, '.openrouter-check.yml'));

    const run = await audit(root, ['--offline']);
    expectRefused(run, LINK_REFUSED);
    for (const part of [token, token.slice(4, 8), token.slice(-4), secretKey, secretKey.slice(-4), 'GITHUB_TOKEN', outside])
      expect(run.stderr).not.toContain(part);
  });

  it('a symbolic link to a file inside the folder is refused the same way', async () => {
    const root = checkout({ 'config/openrouter.yml': MODELS });
    symlinkSync('config/openrouter.yml', join(root, '.openrouter-check.yml'));
    expectRefused(await audit(root, ['--offline']), LINK_REFUSED);
  });

  it('a FIFO is refused at once, without blocking on it', async () => {
    const root = checkout();
    execFileSync('mkfifo', [join(root, '.openrouter-check.yml')]);
    expectRefused(await audit(root, ['--offline']), 'config error: .openrouter-check.yml: expected a file, found a device, socket or pipe');
  });

  it("the operator's --config may be a symbolic link", async () => {
    const operator = makeTree({ 'real/openrouter-check.yml': 'checks:\n  hardcoded-key: warn\n' });
    mkdirSync(join(operator, 'links'));
    symlinkSync(join(operator, 'real/openrouter-check.yml'), join(operator, 'links/openrouter-check.yml'));
    const run = await audit(checkout(), ['--offline', '--format', 'json', '--config', join(operator, 'links/openrouter-check.yml')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('config errors mask credentials', () => {
  it('a GitHub-token-shaped value is shown masked, never whole', async () => {
    const token = generateGitHubToken();
    const root = checkout({ '.openrouter-check.yml': `models:\n  primary: "${token} please"\n` });
    const masked = `ghp_${token.slice(4, 8)}…${token.slice(-4)}`;
    expectRefused(
      await audit(root, ['--offline']),
      `config error: .openrouter-check.yml:2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "${masked} please")`,
    );
  });

  it('a token in an operator variable is masked too', async () => {
    const token = generateGitHubToken();
    const run = await audit(checkout(), ['--offline'], { OPENROUTER_CHECK_BASE_URL: `http://example.com/${token}` });
    expect(run.status).toBe(2);
    expect(run.stderr).not.toContain(token);
    expect(run.stderr).toContain(`ghp_${token.slice(4, 8)}…${token.slice(-4)}`);
  });
});

describe('the repository cannot silence the checks that guard the key', () => {
  // Put together at run time: this file is audited by the project's own self-audit.
  const PLAIN_HTTP = ['http', '://'].join('');
  const REFUSAL = (path: string, id: string, severity: string, line: number): string =>
    `config error: .openrouter-check.yml:${line}: ${path}: ${severity} is an operator setting for ${id}: the audited repository cannot turn off or lower a check that guards the key; use --skip ${id} ${USE_CONFIG}`;

  it.each([
    ['hardcoded-key', 'off', 'checks:\n  hardcoded-key: off\n', 'checks.hardcoded-key', 2],
    ['hardcoded-key', 'warn', 'checks:\n  hardcoded-key:\n    severity: warn\n', 'checks.hardcoded-key.severity', 3],
    ['https-only', 'off', 'checks:\n  https-only: false\n', 'checks.https-only', 2],
    ['https-only', 'warn', 'checks:\n  https-only: warn\n', 'checks.https-only', 2],
  ])('%s set to %s in the repository config: exit 2, naming the flag', async (id, severity, config, path, line) => {
    expectRefused(await audit(checkout({ '.openrouter-check.yml': config }), ['--offline']), REFUSAL(path, id, severity, line));
  });

  it('the repository may repeat their default, and lower any other check', async () => {
    const run = await audit(checkout({ '.openrouter-check.yml': 'checks:\n  hardcoded-key: error\n  https-only: true\n  env-files: off\n' }), ['--offline']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('the operator may turn them off with --skip or a config outside the checkout', async () => {
    const secret = generateKey();
    const root = checkout({ 'src/leak.ts': `export const k = '${secret}';\n` });
    expect((await audit(root, ['--offline'])).status).toBe(1);
    expect((await audit(root, ['--offline', '--skip', 'hardcoded-key'])).status).toBe(0);
    const operator = makeTree({ 'openrouter-check.yml': 'checks:\n  hardcoded-key: off\n' });
    const run = await audit(root, ['--offline', '--config', join(operator, 'openrouter-check.yml')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it("the repository's scan rules leave a file out of the URL search and the code checks, never out of the key search", async () => {
    const secret = generateKey();
    const files = {
      '.openrouter-check.yml': 'scan:\n  exclude:\n    - src/generated/\n  include:\n    - src/\n',
      'src/app.ts': `export const url = '${PLAIN_HTTP}openrouter.ai/api/v1';\n`,
      'src/generated/client.ts': `const key = '${secret}';\nexport const url = '${PLAIN_HTTP}openrouter.ai/api/v1';\n`,
      'tools/seed.ts': `export const key = '${secret}';\nexport const url = '${PLAIN_HTTP}openrouter.ai/api/v1';\n`,
    };
    const run = await audit(checkout(files), ['--offline', '--format', 'json']);
    const report = JSON.parse(run.stdout) as {
      checks: Array<{ id: string; status: string; findings: Array<{ file: string; line: number; column: number }> }>;
      workspace: { scopes: { secrets: { files: number; keysOnly: number }; code: { files: number } } };
    };
    const findingsOf = (id: string): string[] =>
      report.checks.find((check) => check.id === id)!.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}`);
    expect(findingsOf('hardcoded-key')).toEqual(['src/generated/client.ts:1:14', 'tools/seed.ts:1:21']);
    expect(findingsOf('https-only')).toEqual(['src/app.ts:1:21']);
    // .openrouter-check.yml, src/generated/client.ts and tools/seed.ts are outside the rules; src/app.ts is inside.
    expect(report.workspace.scopes.secrets).toEqual({ files: 4, keysOnly: 3 });
    expect(report.workspace.scopes.code.files).toBe(1);
    expect(run.status).toBe(1);

    // The same rules from the operator's config narrow the key search too: that is the operator's say.
    const operator = makeTree({ 'openrouter-check.yml': files['.openrouter-check.yml'] });
    const narrowed = await audit(checkout(files), [
      '--offline',
      '--format',
      'json',
      '--only',
      'hardcoded-key',
      '--config',
      join(operator, 'openrouter-check.yml'),
    ]);
    expect(narrowed.status, narrowed.stderr).toBe(0);
  });
});
