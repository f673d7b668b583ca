/**
 * One line of untrusted text (messages quote audited code): line breaks become spaces, and
 * control characters and lone surrogates go, so nothing can move the cursor, recolour the
 * terminal, split a `path:line:col` line or break a GitHub annotation.
 */
export function printable(text: string): string {
  return text
    .replace(/[\t\n\r]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/gu, '');
}
