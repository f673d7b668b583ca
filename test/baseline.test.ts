import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnownFindings, baselineEntriesOf, readBaseline, renderBaseline } from '../src/engine/baseline.js';
import type { Finding } from '../src/checks/types.js';
import { maskKey } from '../src/workspace/secrets.js';
import { runCli } from './support/cli.js';
import { materializeFixture } from './support/fixtures.js';
import { PLAIN } from './support/plain-http.js';

const scratch = mkdtempSync(join(tmpdir(), 'orc-baseline-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface JsonCheck {
  id: string;
  status: string;
  message: string;
  findings: { severity: string; file?: string; line?: number; column?: number }[];
}

async function jsonRun(args: string[]): Promise<{ status: number | null; checks: Map<string, JsonCheck>; stderr: string }> {
  const run = await runCli([...args, '--format', 'json']);
  const report = JSON.parse(run.stdout) as { checks: JsonCheck[] };
  return { status: run.status, checks: new Map(report.checks.map((check) => [check.id, check])), stderr: run.stderr };
}

const located = (check: JsonCheck | undefined): string[] =>
  (check?.findings ?? []).map((finding) => `${finding.severity} ${finding.file}:${finding.line}:${finding.column}`);

const uncapped = (line: number): Finding => ({
  message: 'chat.completions.create() sends no output cap',
  severity: 'error',
  file: 'src/chat.ts',
  line,
  column: 5,
  snippet: 'await client.chat.completions.create({ model, messages });',
});

describe('baseline files', () => {
  it('are sorted, de-duplicated and hold only the check, the fingerprint and the file', () => {
    const entries = [
      ...baselineEntriesOf('max-tokens', [uncapped(9), { message: 'no credit limit', severity: 'warn' }]),
      ...baselineEntriesOf('https-only', [{ ...uncapped(3), snippet: `const URL = "${PLAIN}openrouter.ai";` }]),
    ];
    const text = renderBaseline([...entries, entries[0]!]);
    expect(renderBaseline([...entries].reverse())).toBe(text);
    const parsed = JSON.parse(text) as { version: number; tool: string; findings: Record<string, string>[] };
    expect(parsed.version).toBe(1);
    expect(parsed.tool).toBe('openrouter-check');
    expect(parsed.findings.map((entry) => [entry.check, entry.file])).toEqual([
      ['https-only', 'src/chat.ts'],
      ['max-tokens', undefined],
      ['max-tokens', 'src/chat.ts'],
    ]);
    for (const entry of parsed.findings) {
      expect(Object.keys(entry).filter((key) => key !== 'file')).toEqual(['check', 'fingerprint']);
      expect(entry.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(text).not.toContain('output cap');
    expect(text).not.toContain('client.chat');
  });

  it('know a finding whatever line it moved to, and not a new one', () => {
    const file = join(scratch, 'moved.json');
    writeFileSync(file, renderBaseline(baselineEntriesOf('max-tokens', [uncapped(9)])));
    const read = readBaseline(file);
    if (!read.ok) throw new Error(read.error);
    const moved = uncapped(42);
    const added: Finding = { ...uncapped(50), snippet: 'await client.chat.completions.create(opts);' };
    expect(read.known.partition('max-tokens', [moved, added])).toMatchObject({ fresh: [added], known: 1 });
    // The same fingerprint under another check is another finding.
    expect(read.known.partition('https-only', [moved])).toMatchObject({ fresh: [moved], known: 0 });
  });

  it.each([
    ['a missing file', undefined, /^cannot read ".*nope\.json" \(ENOENT\)$/],
    ['not JSON', '{"version": 1,', /^".*" is not valid JSON$/],
    ['another tool', '{"version": 1, "findings": []}', /^".*" is not an openrouter-check baseline \(written by --write-baseline\)$/],
    ['another version', '{"version": 2, "tool": "openrouter-check", "findings": []}', /^".*" has baseline version 2; this openrouter-check reads version 1$/],
    ['no list', '{"version": 1, "tool": "openrouter-check"}', /^".*" has no "findings" list$/],
    [
      'a bad entry',
      '{"version": 1, "tool": "openrouter-check", "findings": [{"check": "x", "fingerprint": "not hex"}]}',
      /^".*" has no hex fingerprint at findings\[0\]$/,
    ],
  ])('reading %s is a one-line error naming the file', (name, content, error) => {
    const file = join(scratch, content === undefined ? 'nope.json' : `${name.replace(/\W+/g, '-')}.json`);
    if (content !== undefined) writeFileSync(file, content);
    const read = readBaseline(file);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(error);
  });

  it('partition without known findings keeps everything', () => {
    expect(new KnownFindings([]).partition('max-tokens', [uncapped(1)])).toMatchObject({ known: 0, fresh: [uncapped(1)] });
  });
});

describe('--write-baseline and --baseline (fixtures/leaky-app)', () => {
  // The three checks that read the code: what these tests edit and expect findings from.
  const CODE_CHECKS = ['--only', 'hardcoded-key,https-only,max-tokens'];
  const { root, key } = materializeFixture('leaky-app');
  const baseline = join(scratch, 'new/folder/openrouter-baseline.json');

  it('--write-baseline records every finding as fingerprints, in new folders, and reports as usual', async () => {
    const { status, checks } = await jsonRun([root, ...CODE_CHECKS, '--write-baseline', baseline]);
    expect(status).toBe(1);
    expect(checks.get('max-tokens')?.status).toBe('fail');
    const text = readFileSync(baseline, 'utf8');
    const written = JSON.parse(text) as { findings: { check: string; file?: string }[] };
    expect(written.findings.map((entry) => `${entry.check} ${entry.file}`)).toEqual([
      'hardcoded-key .env',
      'hardcoded-key src/config.ts',
      'https-only src/config.ts',
      'max-tokens src/chat.ts',
      'max-tokens src/chat.ts',
      'max-tokens src/moderate.js',
      'max-tokens src/stream.ts',
    ]);
    // No key, not even masked: fingerprints only.
    expect(text).not.toContain(key);
    expect(text).not.toContain(maskKey(key));
    expect(text).not.toContain('sk-or-v1');
  });

  it('records the same fingerprints as the SARIF report', async () => {
    const file = join(scratch, 'sarif-twin.json');
    const run = await runCli([root, ...CODE_CHECKS, '--format', 'sarif', '--write-baseline', file]);
    const sarif = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] };
    const fromSarif = sarif.runs.flatMap((run) => run.results).map((result) => `${result.ruleId} ${result.partialFingerprints['openrouterCheck/v1']}`);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { findings: { check: string; fingerprint: string }[] };
    expect(written.findings.map((entry) => `${entry.check} ${entry.fingerprint}`).sort()).toEqual(fromSarif.sort());
  });

  it('--baseline drops the known findings, even after lines were added above them; each check says how many', async () => {
    const chat = join(root, 'src/chat.ts');
    writeFileSync(chat, `// The chat feature.\n// Two more lines\n// above every finding.\n${readFileSync(chat, 'utf8')}`);
    const config = join(root, 'src/config.ts');
    writeFileSync(config, `\n\n${readFileSync(config, 'utf8')}`);
    const { status, checks } = await jsonRun([root, ...CODE_CHECKS, '--baseline', baseline]);
    expect(status).toBe(0);
    expect([...checks.values()].filter((check) => check.findings.length > 0)).toEqual([]);
    expect(checks.get('hardcoded-key')).toMatchObject({ status: 'pass', message: '2 known (baseline)' });
    expect(checks.get('https-only')).toMatchObject({ status: 'pass', message: '1 known (baseline)' });
    expect(checks.get('max-tokens')).toMatchObject({ status: 'pass', message: '4 known (baseline)' });
  });

  it('--baseline reports a new finding, and only that one, in the JSON and the text report', async () => {
    const chat = join(root, 'src/chat.ts');
    writeFileSync(
      chat,
      `${readFileSync(chat, 'utf8')}\nexport async function summarize(text: string) {\n  return client.chat.completions.create({ model: DEFAULT_MODEL, messages: [{ role: 'user', content: text }] });\n}\n`,
    );
    const { status, checks } = await jsonRun([root, ...CODE_CHECKS, '--baseline', baseline]);
    expect(status).toBe(1);
    expect(located(checks.get('max-tokens'))).toEqual(['error src/chat.ts:23:10']);
    expect(checks.get('max-tokens')).toMatchObject({ status: 'fail', message: '1 error; 4 known (baseline)' });
    expect(checks.get('hardcoded-key')?.status).toBe('pass');

    const text = await runCli([root, ...CODE_CHECKS, '--baseline', baseline, '--no-color']);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('src/chat.ts:23:10');
    expect(text.stdout).not.toContain('src/stream.ts');
    expect(text.stdout).toContain('4 known (baseline)');
  });

  it('both flags: the old baseline filters the report, the new one records every current finding', async () => {
    const both = join(scratch, 'both.json');
    writeFileSync(both, readFileSync(baseline));
    const first = await jsonRun([root, ...CODE_CHECKS, '--baseline', both, '--write-baseline', both]);
    expect(first.status).toBe(1);
    expect(located(first.checks.get('max-tokens'))).toEqual(['error src/chat.ts:23:10']);
    const entries = (JSON.parse(readFileSync(both, 'utf8')) as { findings: unknown[] }).findings;
    expect(entries).toHaveLength(8);
    const second = await jsonRun([root, ...CODE_CHECKS, '--baseline', both]);
    expect(second.status).toBe(0);
    expect(second.checks.get('max-tokens')?.message).toBe('5 known (baseline)');
  });

  it.each([
    ['a missing file', 'missing.json', undefined, /^error: --baseline: cannot read ".*missing\.json" \(ENOENT\)$/],
    ['a file that is not JSON', 'broken.json', 'nope', /^error: --baseline: ".*broken\.json" is not valid JSON$/],
    [
      'a newer version',
      'v2.json',
      '{"version":2,"tool":"openrouter-check","findings":[]}',
      /^error: --baseline: ".*v2\.json" has baseline version 2; this openrouter-check reads version 1$/,
    ],
  ])('--baseline with %s: one line, exit 2, nothing on stdout', async (_, name, content, stderr) => {
    const file = join(scratch, name);
    if (content !== undefined) writeFileSync(file, content);
    const run = await runCli([root, ...CODE_CHECKS, '--baseline', file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(stderr);
  });

  it('--write-baseline to a place that cannot be written is a one-line error', async () => {
    const run = await runCli([root, ...CODE_CHECKS, '--write-baseline', '/proc/openrouter-check/baseline.json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: --write-baseline: cannot write "\/proc\/openrouter-check\/baseline\.json" \(E[A-Z]+\)\n$/);
  });
});

describe('a baseline of every check on the failing fixture', () => {
  it('makes the next run exit 0; one new uncapped call makes it exit 1, reported at that call alone', async () => {
    const { root } = materializeFixture('leaky-app');
    const file = join(scratch, 'every-check.json');
    expect((await jsonRun([root, '--write-baseline', file])).status).toBe(1);
    const known = await jsonRun([root, '--baseline', file]);
    expect(known.status).toBe(0);
    expect([...known.checks.values()].flatMap((check) => check.findings)).toEqual([]);

    const chat = join(root, 'src/chat.ts');
    writeFileSync(
      chat,
      `${readFileSync(chat, 'utf8')}\nexport const title = (text: string) =>\n  client.chat.completions.create({ model: DEFAULT_MODEL, messages: [{ role: 'user', content: text }] });\n`,
    );
    const next = await jsonRun([root, '--baseline', file]);
    expect(next.status).toBe(1);
    const reported = [...next.checks.values()].flatMap((check) =>
      check.findings.map((finding) => `${check.id} ${finding.severity} ${finding.file}:${finding.line}:${finding.column}`),
    );
    // max-tokens fails it; fallback-configured warns about the same call (no fallbacks configured).
    expect(reported).toEqual(['max-tokens error src/chat.ts:20:3', 'fallback-configured warn src/chat.ts:20:3']);
  });
});

describe('a known line written once more', () => {
  it("gets its own fingerprint in the SARIF and GitLab reports, the one --write-baseline records, not the known copy's", async () => {
    const { root } = materializeFixture('leaky-app');
    const only = ['--only', 'https-only'];
    const before = join(scratch, 'repeat-before.json');
    expect((await runCli([root, ...only, '--write-baseline', before])).status).toBe(1);
    const config = join(root, 'src/config.ts');
    const source = readFileSync(config, 'utf8');
    writeFileSync(config, `${source}${source.split('\n').find((line) => line.includes(PLAIN))!}\n`);

    const after = join(scratch, 'repeat-after.json');
    const gitlab = join(scratch, 'repeat.gitlab.json');
    const run = await runCli([root, ...only, '--baseline', before, '--write-baseline', after, '--format', 'sarif', '--report', `gitlab=${gitlab}`]);
    expect(run.status).toBe(1);
    const recorded = (file: string): string[] =>
      (JSON.parse(readFileSync(file, 'utf8')) as { findings: { fingerprint: string }[] }).findings.map((entry) => entry.fingerprint);
    const known = recorded(before);
    const fresh = recorded(after).filter((fingerprint) => !known.includes(fingerprint));
    expect([known.length, fresh.length]).toEqual([1, 1]);
    const sarif = JSON.parse(run.stdout) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    expect(sarif.runs.flatMap((sarifRun) => sarifRun.results).map((result) => result.partialFingerprints['openrouterCheck/v1'])).toEqual(fresh);
    expect((JSON.parse(readFileSync(gitlab, 'utf8')) as { fingerprint: string }[]).map((entry) => entry.fingerprint)).toEqual(fresh);
  });
});
