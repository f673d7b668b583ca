import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import check from '../../src/checks/max-tokens.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { pythonModelIds } from '../../src/languages/python/python-model-ids.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

/** Fragments real Python is made of, so random programs reach the analysis instead of stopping at the tokenizer. */
const FRAGMENTS = [
  'client.chat.completions.create(',
  'requests.post(',
  'f"{BASE}/chat/completions"',
  '"https://openrouter.ai/api/v1/responses"',
  'json=',
  'data=json.dumps(',
  '**kw',
  '**{',
  '}',
  '{',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '=',
  ' ',
  '\n',
  '\r\n',
  '    ',
  'max_tokens=5',
  '"max_tokens": 1',
  'model="a/b"',
  'def f(**kw):',
  'kw = ',
  'kw["max_tokens"] = 1',
  'if x:',
  'ChatOpenAI(',
  'completion(',
  'from litellm import completion',
  'None',
  'é',
  '😀',
  '"',
  "'",
  '\\',
  '#',
  'lambda: ',
];

describe('hostile Python input', () => {
  it('never crashes the check: any text gives findings with a location, or warnings about the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string()), { maxLength: 60 }), async (parts) => {
        const findings = await findingsOf(check, { 'app.py': parts.join('') });
        for (const finding of findings) {
          if (finding.file === undefined) expect(finding.severity).toBe('warn');
          else expect(finding.line! >= 1 && finding.column! >= 1).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never crashes on a broken notebook: at most one warning about the file', async () => {
    const notebook = JSON.stringify({ cells: [{ cell_type: 'code', source: ['client.chat.completions.create(model=m)\n'] }], nbformat: 4 }, null, 1);
    await fc.assert(
      fc.asyncProperty(fc.nat(notebook.length), fc.string({ maxLength: 8 }), async (cut, insert) => {
        const findings = await findingsOf(check, { 'nb.ipynb': notebook.slice(0, cut) + insert + notebook.slice(cut) });
        expect(findings.filter((finding) => finding.file === undefined).length).toBeLessThanOrEqual(1);
        await pythonModelIds(workspaceOf({ 'nb.ipynb': notebook.slice(0, cut) + insert }));
      }),
      { numRuns: 150 },
    );
  });

  // Followed naively, that is 2^40 paths: a hang, which the test's own timeout would fail.
  it('a dict splatted twice into the next, 40 levels deep, is answered with a warning', async () => {
    const levels = Array.from({ length: 40 }, (_, level) => `D${level + 1} = {**D${level}, **D${level}}`);
    const source = ['D0 = {"max_tokens": 5}', ...levels, 'client.chat.completions.create(model=m, **D40)'].join('\n');
    const findings = await findingsOf(check, { 'app.py': source });
    // Deeper than the analysis follows: a warning, not a hang and not a guess.
    expect(findings).toEqual([expect.objectContaining({ severity: 'warn', line: 42, column: 1 })]);
  });

  it('deep nesting does not overflow the stack', async () => {
    const nested = `${'['.repeat(3000)}${']'.repeat(3000)}\nclient.chat.completions.create(model=m)`;
    expect(await findingsOf(check, { 'app.py': nested })).toEqual([expect.objectContaining({ severity: 'error', line: 2, column: 1 })]);
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('time limit'));
    const workspace = workspaceOf({ 'app.py': 'client.chat.completions.create(model=m)' });
    await expect(check.run(contextFor(check, workspace, { signal: controller.signal })).then(outcomeOf)).rejects.toThrow('time limit');
  });
});
