import { describe, expect, it } from 'vitest';
import { COMPLETION_CALL_STYLES, mayContainCompletionCall } from '../../src/languages/typescript/completion-calls.js';

describe('the completion call styles table', () => {
  it('gives every row keywords for the prefilter, cap keys and a fix hint', () => {
    for (const style of COMPLETION_CALL_STYLES) {
      expect(style.keywords.length, style.name).toBeGreaterThan(0);
      expect(style.capKeys.length, style.name).toBeGreaterThan(0);
      expect(style.fixHint, style.name).not.toBe('');
    }
  });

  it.each([
    `await openRouter.chat.send({ chatRequest })`,
    `const { text } = await generateText({ model, prompt })`,
    `streamObject(options)`,
    `new ChatOpenRouter({ model })`,
    `got.post(\`\${base}/responses\`, { json })`,
    `fetch(new URL('chat/completions', base), init)`,
  ])('lets a file through to the parser: %s', (source) => {
    expect(mayContainCompletionCall(Buffer.from(source))).toBe(true);
  });

  it('skips a file that names no style', () => {
    expect(mayContainCompletionCall(Buffer.from(`export const add = (a, b) => a + b; fetch(url); axios.post(url, data);`))).toBe(false);
  });
});
