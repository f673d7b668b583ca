import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/checks/types.js';
import { SuppressionIndex } from '../src/suppressions.js';
import { runCli } from './support/cli.js';
import { makeTree } from './support/tree.js';
import { workspaceOf } from './support/workspace.js';

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

  const ignored = [
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
