import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/checks/types.js';
import { SuppressionIndex } from '../src/engine/suppressions.js';
import { runCli } from './support/cli.js';
import { makeTree } from './support/tree.js';
import { generateKey, workspaceOf } from './support/workspace.js';

/** A finding of `check` on line 2 of src/a.ts, under the comment on line 1. */
function applyOnLine2(comment: string, checkId = 'max-tokens'): { findings: Finding[]; suppressed: number } {
  const index = new SuppressionIndex(workspaceOf({ 'src/a.ts': `${comment}\nclient.chat.completions.create(opts);\n` }));
  return index.apply(checkId, [{ message: 'uncapped', severity: 'error', file: 'src/a.ts', line: 2, column: 1 }]);
}

const UNCAPPED: Finding = { message: 'uncapped', severity: 'error', file: 'src/a.ts', line: 2, column: 1 };

describe('inline suppressions', () => {
  const silenced = [
    '// openrouter-check-ignore-next-line max-tokens -- a one-word classifier, capped by the prompt',
    '  /* openrouter-check-ignore-next-line max-tokens -- reviewed in #42 */',
    '# openrouter-check-ignore-next-line max-tokens, https-only -- fixture for docs',
    '<!-- openrouter-check-ignore-next-line max-tokens -- example in the docs -->',
    '// openrouter-check-ignore-next-line -- every check, on purpose',
  ];
  it.each(silenced)('silences the finding below: %s', (comment) => {
    expect(applyOnLine2(comment)).toEqual({ findings: [], suppressed: 1 });
  });

  it.each([
    'client.init(); // openrouter-check-ignore-next-line max-tokens -- after code, in a comment',
    ' * openrouter-check-ignore-next-line max-tokens -- a line of a block comment',
    'url: "https://x" # openrouter-check-ignore-next-line max-tokens -- a YAML comment after a string',
    '// openrouter-check-ignore-next-line max-tokens --no space before the reason',
  ])('finds the marker in a comment after code or on a block comment line: %s', (comment) => {
    expect(applyOnLine2(comment)).toEqual({ findings: [], suppressed: 1 });
  });

  const ignored = [
    { why: 'the marker is inside a string', comment: 'const help = "// openrouter-check-ignore-next-line max-tokens -- in a string";' },
    { why: 'the marker is inside a single-quoted string', comment: "log('openrouter-check-ignore-next-line max-tokens -- not a comment')" },
    { why: 'the marker is inside a template literal, after an escaped quote', comment: 'const t = `\\` # openrouter-check-ignore-next-line max-tokens -- x`;' },
    { why: 'a # that is not a comment (a private field)', comment: 'this.#openrouter-check-ignore-next-line max-tokens -- x' },
    { why: 'another check named', comment: '// openrouter-check-ignore-next-line https-only -- not this one' },
    { why: 'no marker', comment: '// max-tokens -- looks like a suppression but is not' },
    { why: 'a different marker', comment: '// openrouter-check-ignore-line max-tokens -- wrong word' },
    { why: 'garbage after the marker', comment: '// openrouter-check-ignore-next-line (max-tokens) reason' },
  ];
  it.each(ignored)('leaves the finding when $why', ({ comment }) => {
    expect(applyOnLine2(comment)).toEqual({ findings: [UNCAPPED], suppressed: 0 });
  });

  it('a suppression without a reason applies, and is itself a warning at the comment', () => {
    expect(applyOnLine2('    // openrouter-check-ignore-next-line max-tokens')).toEqual({
      findings: [
        {
          message: 'this openrouter-check-ignore-next-line for max-tokens gives no reason; add "-- <why it is safe>"',
          severity: 'warn',
          file: 'src/a.ts',
          line: 1,
          column: 8,
          snippet: '// openrouter-check-ignore-next-line max-tokens',
        },
      ],
      suppressed: 1,
    });
  });

  it('a hardcoded-key suppression needs a reason: without one the key stays a finding, and the comment says why', () => {
    const keyFinding: Finding = { message: 'key', severity: 'error', file: 'src/a.ts', line: 2, column: 1 };
    const without = new SuppressionIndex(workspaceOf({ 'src/a.ts': '// openrouter-check-ignore-next-line hardcoded-key\nconst k = 1;\n' }));
    expect(without.apply('hardcoded-key', [keyFinding])).toEqual({
      findings: [
        keyFinding,
        {
          message: 'this openrouter-check-ignore-next-line gives no reason, so it does not silence hardcoded-key; add "-- <why it is safe>"',
          severity: 'warn',
          file: 'src/a.ts',
          line: 1,
          column: 4,
          snippet: '// openrouter-check-ignore-next-line hardcoded-key',
        },
      ],
      suppressed: 0,
    });
    // Naming no check, without a reason: other checks are silenced (with a warning), the key is not.
    const bare = new SuppressionIndex(workspaceOf({ 'src/a.ts': '// openrouter-check-ignore-next-line\nconst k = 1;\n' }));
    expect(bare.apply('hardcoded-key', [keyFinding]).suppressed).toBe(0);
    expect(bare.apply('max-tokens', [UNCAPPED]).suppressed).toBe(1);
    const reasoned = new SuppressionIndex(workspaceOf({ 'src/a.ts': '// openrouter-check-ignore-next-line hardcoded-key -- test fixture\nconst k = 1;\n' }));
    expect(reasoned.apply('hardcoded-key', [keyFinding])).toEqual({ findings: [], suppressed: 1 });
  });

  it('reads a directive padded with 100,000 spaces in one pass, whether or not it is well formed', () => {
    const pad = ' '.repeat(100_000);
    const findings = Array.from({ length: 200 }, (_, index): Finding => ({ ...UNCAPPED, line: 2 * index + 2 }));
    const lines = (directive: string): string => findings.map(() => `${directive}\nclient.chat.completions.create(opts);`).join('\n');
    const wellFormed = new SuppressionIndex(
      workspaceOf({ 'src/a.ts': lines(`// openrouter-check-ignore-next-line${pad}max-tokens${pad},${pad}https-only${pad}--${pad}why`) }),
    );
    expect(wellFormed.apply('max-tokens', findings)).toEqual({ findings: [], suppressed: 200 });
    const broken = new SuppressionIndex(workspaceOf({ 'src/a.ts': lines(`// openrouter-check-ignore-next-line${pad}max-tokens${pad}x(`) }));
    expect(broken.apply('max-tokens', findings)).toEqual({ findings, suppressed: 0 });
  });

  it('only the line right below is covered, and findings without a location never are', () => {
    const index = new SuppressionIndex(
      workspaceOf({ 'src/a.ts': '// openrouter-check-ignore-next-line max-tokens -- ok\n\nclient.chat.completions.create(opts);\n' }),
    );
    const below = { ...UNCAPPED, line: 3 };
    const nowhere: Finding = { message: 'remote', severity: 'error' };
    expect(index.apply('max-tokens', [below, nowhere])).toEqual({ findings: [below, nowhere], suppressed: 0 });
  });
});

describe('inline suppressions, end to end', () => {
  const labelSource = (key: string): string =>
    [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      'export const label = (text: string) =>',
      '  // openrouter-check-ignore-next-line max-tokens -- answers are one word; the model stops on its own',
      "  client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: text }] });",
      '// openrouter-check-ignore-next-line hardcoded-key -- a revoked key kept as a test fixture',
      `export const fixtureKey = '${key}';`,
      '// openrouter-check-ignore-next-line https-only -- nothing below needs it',
      'export const done = true;',
      '',
    ].join('\n');
  type JsonChecks = { checks: Array<{ id: string; status: string; message: string; findings: Array<{ line: number; severity: string; message: string }> }> };
  const byId = (stdout: string): Map<string, JsonChecks['checks'][number]> =>
    new Map((JSON.parse(stdout) as JsonChecks).checks.map((check) => [check.id, check]));

  it('--no-inline-ignores: every suppression is reported at its line and silences nothing', async () => {
    const root = makeTree({ 'src/label.ts': labelSource(generateKey()) });
    const run = await runCli([root, '--only', 'max-tokens,hardcoded-key', '--no-inline-ignores', '--format', 'json']);
    expect(run.status).toBe(1);
    const checks = byId(run.stdout);
    expect(checks.get('max-tokens')!.findings.map((finding) => [finding.line, finding.severity, finding.message])).toEqual([
      [5, 'error', expect.stringContaining('no output cap')],
      [4, 'warn', 'this openrouter-check-ignore-next-line for max-tokens is not applied: inline suppressions are off (--no-inline-ignores)'],
    ]);
    expect(checks.get('hardcoded-key')!.findings.map((finding) => [finding.line, finding.severity])).toEqual([
      [7, 'error'],
      [6, 'warn'],
    ]);
  });

  it('--report-unused-ignores: a suppression that silences nothing is a warning at its line; a used one, or one for a check that did not run, is not', async () => {
    const root = makeTree({ 'src/label.ts': labelSource(generateKey()) });
    const run = await runCli([root, '--only', 'max-tokens,hardcoded-key,https-only', '--report-unused-ignores', '--format', 'json']);
    expect(run.status).toBe(0);
    const checks = byId(run.stdout);
    expect(checks.get('max-tokens')).toMatchObject({ status: 'pass', findings: [] });
    expect(checks.get('hardcoded-key')).toMatchObject({ status: 'pass', findings: [] });
    expect(checks.get('https-only')!.findings.map((finding) => [finding.line, finding.severity, finding.message])).toEqual([
      [8, 'warn', 'this openrouter-check-ignore-next-line silences nothing for https-only: remove it (--report-unused-ignores)'],
    ]);
    const withoutHttps = await runCli([root, '--only', 'max-tokens,hardcoded-key', '--report-unused-ignores', '--format', 'json']);
    expect(withoutHttps.status).toBe(0);
    expect([...byId(withoutHttps.stdout).values()].flatMap((check) => check.findings)).toEqual([]);
  });

  it('a suppressed call passes, and the report says how many were suppressed', async () => {
    const root = makeTree({
      'src/label.ts': [
        "import OpenAI from 'openai';",
        'const client = new OpenAI();',
        'export const label = (text: string) =>',
        '  // openrouter-check-ignore-next-line max-tokens -- answers are one word; the model stops on its own',
        "  client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: text }] });",
        "export const other = () => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [] });",
        '',
      ].join('\n'),
    });
    const run = await runCli([root, '--only', 'max-tokens', '--format', 'json']);
    const { checks } = JSON.parse(run.stdout) as { checks: Array<{ id: string; message: string; findings: Array<{ line: number }> }> };
    const check = checks.find((candidate) => candidate.id === 'max-tokens')!;
    expect(run.status).toBe(1);
    expect(check.message).toBe('1 error; 1 suppressed inline');
    expect(check.findings.map((finding) => finding.line)).toEqual([6]);
  });
});
