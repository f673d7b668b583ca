import { describe, expect, it } from 'vitest';
import { printable } from '../../src/reporters/printable.js';

describe('printable', () => {
  it.each([
    { name: 'plain text is kept', input: 'openai/gpt-4o does not exist', output: 'openai/gpt-4o does not exist' },
    { name: 'line breaks and tabs become one space', input: 'a\r\n\tb\nc', output: 'a b c' },
    { name: 'the Unicode line and paragraph separators become a space', input: 'a\u2028b\u2029c', output: 'a b c' },
    { name: 'terminal escapes go', input: 'red \u001b[31mtext\u001b[0m', output: 'red [31mtext[0m' },
    { name: 'C1 controls go', input: 'a\u0085b\u009bc', output: 'abc' },
    { name: 'a right-to-left override goes', input: 'label \u202egnp.exe', output: 'label gnp.exe' },
    { name: 'isolates go', input: '\u2066admin\u2069 key', output: 'admin key' },
    { name: 'directional marks go', input: 'a\u200eb\u200fc\u061cd', output: 'abcd' },
    { name: 'a lone surrogate goes', input: 'x\ud800y', output: 'xy' },
    { name: 'an astral character stays', input: 'model 𝒳', output: 'model 𝒳' },
    { name: 'right-to-left letters stay', input: 'مرحبا', output: 'مرحبا' },
  ])('$name', ({ input, output }) => {
    expect(printable(input)).toBe(output);
  });
});
