import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { maskKey } from '../src/workspace/secrets.js';
import { runCli } from './support/cli.js';
import { FIXTURES, materializeFixture } from './support/fixtures.js';
import { PLAIN } from './support/plain-http.js';
import { validateCodeQuality } from './support/gitlab-code-quality.js';
import { validateSarif } from './support/sarif.js';
import { makeTree } from './support/tree.js';

const REPO = new URL('..', import.meta.url).pathname;
const JUNIT_XSD = readFileSync(new URL('./schemas/junit.xsd', import.meta.url), 'utf8');
const ANSI = /\u001b\[/;

interface JsonFinding {
  message: string;
  severity: string;
  file?: string;
  line?: number;
  column?: number;
  snippet?: string;
}
interface JsonCheck {
  id: string;
  status: string;
  message: string;
  findings: JsonFinding[];
}
interface JsonReport {
  summary: Record<string, number>;
  checks: JsonCheck[];
  workspace: { filesScanned: number; filesSkipped: Record<string, number>; skipped: { file: string; reason: string }[] };
}

async function jsonReport(args: string[]): Promise<{ status: number | null; report: JsonReport; stderr: string }> {
  const run = await runCli([...args, '--format', 'json']);
  return { status: run.status, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

/** Without an API key the remote checks are listed, skipped with the reason. */
const REMOTE_CHECK_IDS = ['auth', 'credit-limit', 'key-rotation', 'credit-balance', 'model-availability', 'test-completion', 'fallback-reachability'];
/** The static checks issue 7 added, after the first three in the registry's order. */
const PROJECT_CHECK_IDS = ['env-files', 'secret-scanning', 'client-exposure', 'client-resilience', 'fallback-configured', 'attribution-headers'];
/** Every check in report order: the three code checks, the project checks, then the remote ones (interleaved by the registry). */
const ALL_IDS = ['hardcoded-key', 'https-only', 'max-tokens', ...PROJECT_CHECK_IDS, ...REMOTE_CHECK_IDS];

const located = (check: JsonCheck | undefined): string[] =>
  (check?.findings ?? []).map((finding) => `${finding.severity} ${finding.file}:${finding.line}:${finding.column}`);

/** A digest of every file's bytes and mode: proves a run modified nothing. */
function digestTree(root: string): string {
  const hash = createHash('sha256');
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      hash.update(relative(root, path));
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) hash.update(readFileSync(path)).update(String(statSync(path).mode));
    }
  };
  visit(root);
  return hash.digest('hex');
}

describe('a project that fails every static check (fixtures/leaky-app)', () => {
  const { root, key } = materializeFixture('leaky-app');

  it('exits 1 and reports each finding with its file, line and column', async () => {
    const { status, report } = await jsonReport([root]);
    expect(status).toBe(1);
    const byId = new Map(report.checks.map((check) => [check.id, check]));
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['hardcoded-key', 'fail'],
      ['https-only', 'fail'],
      ['max-tokens', 'fail'],
      ['env-files', 'fail'],
      ['secret-scanning', 'warn'],
      ['client-exposure', 'pass'],
      ['client-resilience', 'warn'],
      ['fallback-configured', 'warn'],
      ['attribution-headers', 'warn'],
      ...REMOTE_CHECK_IDS.map((id) => [id, 'skip']),
    ]);
    expect(located(byId.get('env-files'))).toEqual(['error .env:1:1']);
    // axios never times out on its own: the axios.post in src/moderate.js is a finding since issue 15.
    expect(located(byId.get('client-resilience'))).toEqual(['warn src/chat.ts:4:16', 'warn src/moderate.js:6:26', 'warn src/stream.ts:5:10']);
    expect(located(byId.get('hardcoded-key'))).toEqual(['error .env:1:20', 'error src/config.ts:2:36']);
    expect(located(byId.get('https-only'))).toEqual(['error src/config.ts:3:37']);
    expect(located(byId.get('max-tokens'))).toEqual([
      'error src/chat.ts:7:28',
      'warn src/chat.ts:16:10',
      'error src/moderate.js:6:26',
      'error src/stream.ts:5:10',
    ]);
    expect(byId.get('hardcoded-key')!.findings[1]).toEqual({
      message: `OpenRouter key ${maskKey(key)} is hardcoded`,
      severity: 'error',
      file: 'src/config.ts',
      line: 2,
      column: 36,
      snippet: `export const OPENROUTER_API_KEY = '${maskKey(key)}';`,
      // The finding's identity across runs: a hash, never the key (the fingerprint is of the masked text).
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(report.summary).toEqual({ passed: 1, failed: 4, warned: 4, skipped: 7, errored: 0 });
  });

  it('prints path:line:col lines, fix hints and the summary line in the text report', async () => {
    const run = await runCli([root]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('.env:1:20  OpenRouter key');
    expect(run.stdout).toContain(`src/config.ts:3:37  ${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https`);
    expect(run.stdout).toMatch(/src\/chat\.ts:7:28 {2}chat\.completions\.create\(\) sends no output cap/);
    expect(run.stdout).toContain('fix: ');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 4 failed, 4 warned, 7 skipped');
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).toBe('');
  });

  it('never prints the key whole, in any format, report file or error', async () => {
    const reports = makeTree({});
    const outputs = await Promise.all(
      ['text', 'json', 'junit'].map((format) =>
        runCli([root, '--format', format, '--report', `json=${reports}/${format}.json`, '--report', `junit=${reports}/${format}.xml`]),
      ),
    );
    const everything = [
      ...outputs.flatMap((run) => [run.stdout, run.stderr]),
      ...['text', 'json', 'junit'].flatMap((format) => [
        readFileSync(join(reports, `${format}.json`), 'utf8'),
        readFileSync(join(reports, `${format}.xml`), 'utf8'),
      ]),
    ].join('\n');
    expect(everything).toContain(maskKey(key));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(9, 30));
  });

  it('modifies nothing in the audited project', async () => {
    const before = digestTree(root);
    await runCli([root, '--format', 'junit']);
    expect(digestTree(root)).toBe(before);
  });

  it('--only and --skip choose the checks; the others are reported as skipped with the reason', async () => {
    const { status, report } = await jsonReport([root, '--only', 'https-only']);
    expect(status).toBe(1);
    expect(report.checks.map((check) => [check.id, check.status, check.message])).toEqual(
      ALL_IDS.map((id) => (id === 'https-only' ? [id, 'fail', '1 error'] : [id, 'skip', 'not selected by --only'])),
    );
    const skipped = await jsonReport([root, '--skip', 'hardcoded-key,https-only,max-tokens,env-files']);
    expect(skipped.status).toBe(0);
    expect(skipped.report.summary).toEqual({ passed: 1, failed: 0, warned: 4, skipped: 11, errored: 0 });
  });

  it('--quiet prints only what fails the run and the summary', async () => {
    const run = await runCli([root, '--quiet', '--only', 'https-only']);
    expect(run.stdout).not.toContain('hardcoded-key');
    expect(run.stdout).toContain('src/config.ts:3:37');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 warned, 15 skipped');
  });

  it('colours follow FORCE_COLOR and NO_COLOR', async () => {
    expect((await runCli([root], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await runCli([root, '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runCli([root], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });
});

describe('a project ready for production (fixtures/clean-app)', () => {
  it('exits 0 with every check passing; the key in the git-ignored .env is not a finding', async () => {
    const { root } = materializeFixture('clean-app');
    const { status, report } = await jsonReport([root]);
    expect(status).toBe(0);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual(ALL_IDS.map((id) => [id, REMOTE_CHECK_IDS.includes(id) ? 'skip' : 'pass']));
    expect((await runCli([root])).stdout.trimEnd().split('\n').at(-1)).toBe('9 passed, 0 failed, 0 warned, 7 skipped');
  });

  it('fails once the .env holding the key is no longer git-ignored', async () => {
    const { root } = materializeFixture('clean-app');
    const gitignore = join(root, '.gitignore');
    writeFileSync(gitignore, readFileSync(gitignore, 'utf8').replace('.env\n', ''));
    const { status, report } = await jsonReport([root, '--only', 'hardcoded-key']);
    expect(status).toBe(1);
    expect(located(report.checks[0])).toEqual(['error .env:1:20']);
  });
});

describe('edge cases (fixtures/edge-cases)', () => {
  // Changed on purpose (issue 16): the binary assets/logo.png (its key after a NUL byte) and the oversized
  // data/large-export.json (200 plain-http URLs) used to be skipped whole, so both passed; they are left out
  // of the code analysis only, and the key and URL search finds what they hold.
  it('handles placeholders, ignored keys, binaries and oversized files (searched, not analysed), symlink loops and syntax errors', async () => {
    const { root } = materializeFixture('edge-cases');
    const { status, report } = await jsonReport([root]);
    expect(status).toBe(1);
    // The code checks pass; the project checks warn about its missing CI scanner and a bare client.
    expect(report.summary).toEqual({ passed: 3, failed: 2, warned: 4, skipped: 7, errored: 0 });
    const hardcodedKey = report.checks.find((check) => check.id === 'hardcoded-key')!;
    expect(hardcodedKey.findings.map((finding) => [finding.file, finding.line, finding.column, finding.snippet])).toEqual([
      ['assets/logo.png', 3, 9, undefined],
    ]);
    expect(hardcodedKey.findings[0]!.message).toMatch(/^OpenRouter key sk-or-v1-[0-9a-f]{4}…[0-9a-f]{4} is hardcoded \(in a binary file\)$/);
    const httpsOnly = report.checks.find((check) => check.id === 'https-only')!;
    expect(httpsOnly.findings).toHaveLength(200);
    expect(new Set(httpsOnly.findings.map((finding) => `${finding.file}:${finding.line}`))).toEqual(new Set(['data/large-export.json:1']));
    expect(report.workspace).toEqual({
      filesScanned: 7,
      filesSkipped: { binary: 1, 'too-large': 1, unreadable: 0, symlink: 2 },
      skipped: [{ file: 'data/large-export.json', reason: 'too-large' }],
      fileSet: 'walk (not a git repository)',
      scopes: { secrets: { files: 9, keysOnly: 0 }, code: { files: 7, generated: 0, generatedPaths: [] } },
    });
  });

  it('still reports an uncapped call in a file with syntax errors', async () => {
    const root = makeTree({
      'src/broken.ts': "function ( {\n  const = ;\n}\nexport const go = () => client.chat.completions.create({ model: 'x', messages: [] });\n",
    });
    const { status, report } = await jsonReport([root, '--only', 'max-tokens']);
    expect(status).toBe(1);
    expect(located(report.checks.find((check) => check.id === 'max-tokens'))).toEqual(['error src/broken.ts:4:25']);
  });
});

describe('warnings and --fail-on', () => {
  it('a warning alone exits 0, and 1 under --fail-on warn', async () => {
    const root = makeTree({
      'src/llm.ts': 'export async function callModel(client, opts) {\n  return client.chat.completions.create(opts);\n}\n',
    });
    const plain = await jsonReport([root]);
    expect(plain.status).toBe(0);
    expect(plain.report.checks.find((check) => check.id === 'max-tokens')!.status).toBe('warn');
    expect(located(plain.report.checks.find((check) => check.id === 'max-tokens'))).toEqual(['warn src/llm.ts:2:10']);
    expect((await runCli([root, '--fail-on', 'warn'])).status).toBe(1);
  });

  it('a check set to warn in the config never fails the run', async () => {
    const tree = makeTree({
      '.openrouter-check.yml': 'checks:\n  max-tokens: warn\n',
      'src/a.ts': "client.chat.completions.create({ model: 'x', messages: [] });\n",
    });
    const { status, report } = await jsonReport([tree]);
    expect(status).toBe(0);
    expect(report.checks.find((check) => check.id === 'max-tokens')).toMatchObject({ status: 'warn' });
  });
});

describe('reports written to files', () => {
  it('--report writes JSON and schema-valid JUnit into new folders while stdout keeps the text format', async () => {
    const { root } = materializeFixture('leaky-app');
    const out = makeTree({});
    const run = await runCli([root, '--report', `json=${out}/nested/report.json`, '--report', `junit=${out}/deeper/a/junit.xml`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('1 passed, 4 failed, 4 warned, 7 skipped');
    const report = JSON.parse(readFileSync(join(out, 'nested/report.json'), 'utf8')) as JsonReport;
    expect(report.summary.failed).toBe(4);
    const junit = readFileSync(join(out, 'deeper/a/junit.xml'), 'utf8');
    const validation = await validateXML({ xml: [{ fileName: 'junit.xml', contents: junit }], schema: [JUNIT_XSD] });
    expect(validation.errors).toEqual([]);
    expect(junit).toContain('<testsuites name="openrouter-check" tests="16" failures="4" errors="0"');
    expect(junit).toContain(`src/config.ts:3:37 ${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https`);
    expect(readdirSync(join(out, 'nested'))).toEqual(['report.json']);
  });
});

describe('SARIF', () => {
  it('--format sarif: schema-valid, a run per category, each finding at its file, line and column, remote findings at the config file', async () => {
    const { root } = materializeFixture('leaky-app');
    writeFileSync(join(root, '.openrouter-check.yml'), 'models:\n  primary: openai/gpt-4o-mini\n');
    const run = await runCli([root, '--format', 'sarif', '--require-remote', '--skip', PROJECT_CHECK_IDS.join(',')]);
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as {
      runs: Array<{
        automationDetails: { id: string };
        results: Array<{
          ruleId: string;
          level: string;
          locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } } }>;
        }>;
      }>;
    };
    expect(validateSarif(log)).toBe(true);
    expect(log.runs.map((sarifRun) => sarifRun.automationDetails.id)).toEqual(['openrouter-check/static/', 'openrouter-check/remote/']);
    const located = log.runs
      .flatMap((sarifRun) => sarifRun.results)
      .map(({ ruleId, level, locations }) => {
        const { artifactLocation, region } = locations![0]!.physicalLocation;
        return `${ruleId} ${level} ${artifactLocation.uri}:${region.startLine}${region.startColumn ? `:${region.startColumn}` : ''}`;
      });
    expect(located).toEqual([
      'hardcoded-key error .env:1:20',
      'hardcoded-key error src/config.ts:2:36',
      'https-only error src/config.ts:3:37',
      'max-tokens error src/chat.ts:7:28',
      'max-tokens warning src/chat.ts:16:10',
      'max-tokens error src/moderate.js:6:26',
      'max-tokens error src/stream.ts:5:10',
      ...REMOTE_CHECK_IDS.map((id) => `${id} error .openrouter-check.yml:1`),
    ]);
  });
});

describe('GitLab Code Quality', () => {
  it('--format gitlab and --report gitlab=<file> write the same valid report: findings at their file and line, remote ones at the config file', async () => {
    const { root } = materializeFixture('leaky-app');
    writeFileSync(join(root, '.openrouter-check.yml'), 'models:\n  primary: openai/gpt-4o-mini\n');
    const file = join(makeTree({}), 'ci/gl-code-quality-report.json');
    const run = await runCli([root, '--format', 'gitlab', '--report', `gitlab=${file}`, '--require-remote', '--skip', PROJECT_CHECK_IDS.join(',')]);
    expect(run.status).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(run.stdout);
    const entries = JSON.parse(run.stdout) as Array<{ check_name: string; severity: string; location: { path: string; lines: { begin: number } } }>;
    expect(validateCodeQuality(entries)).toBe(true);
    expect(entries.map(({ check_name, severity, location }) => `${check_name} ${severity} ${location.path}:${location.lines.begin}`)).toEqual([
      'hardcoded-key critical .env:1',
      'hardcoded-key critical src/config.ts:2',
      'https-only critical src/config.ts:3',
      'max-tokens major src/chat.ts:7',
      'max-tokens minor src/chat.ts:16',
      'max-tokens major src/moderate.js:6',
      'max-tokens major src/stream.ts:5',
      'auth critical .openrouter-check.yml:1',
      'credit-limit major .openrouter-check.yml:1',
      'key-rotation critical .openrouter-check.yml:1',
      'credit-balance major .openrouter-check.yml:1',
      'model-availability major .openrouter-check.yml:1',
      'test-completion major .openrouter-check.yml:1',
      'fallback-reachability major .openrouter-check.yml:1',
    ]);
  });
});

describe('GitHub Actions', () => {
  it('adds annotations to the text report and writes the step summary; machine formats stay clean', async () => {
    const { root, key } = materializeFixture('leaky-app');
    const summary = join(makeTree({}), 'step-summary.md');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const text = await runCli([root, '--only', 'https-only,hardcoded-key'], { env });
    expect(text.status).toBe(1);
    const annotations = text.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toEqual([
      `::error file=.env,line=1,col=20,title=openrouter-check hardcoded-key::OpenRouter key ${maskKey(key)} is hardcoded`,
      `::error file=src/config.ts,line=2,col=36,title=openrouter-check hardcoded-key::OpenRouter key ${maskKey(key)} is hardcoded`,
      `::error file=src/config.ts,line=3,col=37,title=openrouter-check https-only::${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https`,
    ]);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^## openrouter-check: ❌ not ready\n/);
    expect(markdown).toContain('| `https-only` | security | ❌ fail | 1 error |');
    expect(markdown).not.toContain(key);

    const json = await runCli([root, '--only', 'https-only', '--format', 'json'], { env });
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    expect(readFileSync(summary, 'utf8').split('## openrouter-check').length).toBe(3);
  });

  it('--format github prints only the annotations', async () => {
    const { root } = materializeFixture('leaky-app');
    const run = await runCli([root, '--only', 'https-only', '--format', 'github']);
    expect(run.stdout).toBe(
      `::error file=src/config.ts,line=3,col=37,title=openrouter-check https-only::${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https\n`,
    );
  });
});

describe('usage and configuration errors: exit 2, one line on stderr, nothing on stdout', () => {
  const cases: { name: string; args: string[]; stderr: string | RegExp }[] = [
    {
      name: 'a typo in the config file',
      args: ['fixtures/bad-config'],
      stderr: 'config error: fixtures/bad-config/.openrouter-check.yml:7: checks.max-tokns is not a known check; did you mean max-tokens?',
    },
    { name: 'a path that does not exist', args: ['no/such/dir'], stderr: 'error: path "no/such/dir" does not exist' },
    { name: 'a file as the path', args: ['package.json'], stderr: 'error: path "package.json" is not a directory' },
    {
      name: 'an unknown check id in --only',
      args: ['fixtures/clean-app', '--only', 'max-tokns'],
      stderr: 'error: --only: "max-tokns" is not a known check; did you mean max-tokens? (see --list-checks)',
    },
    {
      name: 'an unknown check id in --skip',
      args: ['fixtures/clean-app', '--skip', 'everything'],
      stderr: 'error: --skip: "everything" is not a known check (see --list-checks)',
    },
    { name: 'an unknown flag', args: ['--formt', 'json'], stderr: /^error: unknown option '--formt' .*--format.* \(see --help\)$/ },
    {
      name: 'an unknown format',
      args: ['--format', 'xml'],
      stderr:
        /^error: option '-f, --format <format>' argument 'xml' is invalid\. Allowed choices are text, json, junit, sarif, github, gitlab\. \(see --help\)$/,
    },
    { name: 'a bad --fail-on', args: ['--fail-on', 'info'], stderr: /^error: option '--fail-on <severity>' argument 'info' is invalid/ },
    {
      name: 'a --report without a file',
      args: ['--report', 'junit'],
      stderr: 'error: --report expects <format>=<file>, e.g. junit=reports/openrouter.xml (got "junit")',
    },
    {
      name: 'a --report with an unknown format',
      args: ['--report', 'html=x.html'],
      stderr: 'error: --report: unknown format "html" (formats: text, json, junit, sarif, github, gitlab)',
    },
    { name: 'a missing --config file', args: ['fixtures/clean-app', '--config', 'nope.yml'], stderr: /^config error: nope\.yml: / },
    {
      name: 'a missing --baseline file',
      args: ['fixtures/clean-app', '--baseline', 'nope.json'],
      stderr: 'error: --baseline: cannot read "nope.json" (ENOENT)',
    },
    {
      name: 'a --baseline that is not a baseline',
      args: ['fixtures/clean-app', '--baseline', 'package.json'],
      stderr: 'error: --baseline: "package.json" is not an openrouter-check baseline (written by --write-baseline)',
    },
    {
      name: '--changed-since with --staged',
      args: ['fixtures/clean-app', '--changed-since', 'HEAD', '--staged'],
      stderr: 'error: --changed-since and --staged cannot be used together',
    },
    {
      name: 'an unknown --changed-since revision',
      args: ['fixtures/clean-app', '--changed-since', 'no-such-ref-anywhere'],
      stderr: 'error: --changed-since: unknown revision "no-such-ref-anywhere"',
    },
  ];
  it.each(cases)('$name', async ({ args, stderr }) => {
    const run = await runCli(args, { cwd: REPO });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof stderr === 'string') expect(lines[0]).toBe(stderr);
    else expect(lines[0]).toMatch(stderr);
  });

  it('a report file that cannot be written is a one-line error too', async () => {
    const run = await runCli([join(FIXTURES, 'clean-app'), '--report', 'json=/proc/openrouter-check/report.json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: --report: cannot write "\/proc\/openrouter-check\/report\.json" \(E[A-Z]+\)\n$/);
  });
});

describe('--list-checks and --help', () => {
  it('--list-checks prints each check with its category, severity, kind and docs', async () => {
    const run = await runCli(['--list-checks']);
    expect(run.status).toBe(0);
    for (const [id, category] of [
      ['hardcoded-key', 'security'],
      ['https-only', 'security'],
      ['max-tokens', 'cost'],
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^${id} +${category} +error +static +\\S`, 'm'));
    }
  });

  it('--help lists every flag and shows examples', async () => {
    const run = await runCli(['--help']);
    expect(run.status).toBe(0);
    for (const flag of [
      '--format',
      '--report',
      '--config',
      '--only',
      '--skip',
      '--fail-on',
      '--list-checks',
      '--explain',
      '--no-color',
      '--quiet',
      '--verbose',
      '--version',
      '--baseline',
      '--write-baseline',
      '--changed-since',
      '--staged',
      '--offline',
      '--no-spend',
      '--require-remote',
      '--base-url',
      '--key-env',
      '--timeout',
      '--retries',
      '--allow-plugins',
    ]) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toMatch(/^Docs: https:\/\/github\.com\/openrouter-check\/openrouter-check\/tree\/main\/docs /m);
  });

  it('--list-checks names every built-in check', async () => {
    const run = await runCli(['--list-checks']);
    for (const id of ALL_IDS) expect(run.stdout).toMatch(new RegExp(`^${id} `, 'm'));
  });

  it('--explain prints one check in full; an unknown id is a usage error with a suggestion', async () => {
    const run = await runCli(['--explain', 'credit-limit']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^credit-limit — The key has a credit limit/);
    expect(run.stdout).toContain('min_remaining');
    expect(run.stdout).toMatch(/^More: https:\/\/github\.com\/openrouter-check\/openrouter-check\/blob\/main\/docs\/checks\/credit-limit\.md$/m);
    const typo = await runCli(['--explain', 'max-tokns']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe('error: --explain: "max-tokns" is not a known check; did you mean max-tokens? (see --list-checks)\n');
  });

  it('the text report shows the line under a finding with a caret, and --verbose the timings', async () => {
    const { root, key } = materializeFixture('leaky-app');
    const run = await runCli([root, '--only', 'hardcoded-key', '--verbose']);
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((line) => line.includes('src/config.ts:2:36  OpenRouter key'));
    expect(lines[at + 1]!.trim()).toBe(`export const OPENROUTER_API_KEY = '${maskKey(key)}';`);
    expect(lines[at + 2]!.indexOf('^') - lines[at + 1]!.indexOf('export')).toBe(35);
    expect(run.stdout).not.toContain(key);
    expect(run.stdout).toMatch(/hardcoded-key .*\(\d+ ms\)$/m);
    expect(run.stdout).toMatch(/^finished in \d+ ms$/m);
  });
});
