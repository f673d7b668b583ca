/**
 * Characters that reorder the text around them ("Trojan Source"): embeddings, overrides, isolates
 * and the directional marks. A hostile model name or key label could otherwise reorder a line.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line of untrusted text (messages quote audited code and API answers): line breaks (and the
 * Unicode line and paragraph separators) become spaces, and control characters, bidirectional
 * controls and lone surrogates go, so nothing can move the cursor, recolour the terminal, reorder
 * what is shown, split a `path:line:col` line or break a GitHub annotation.
 */
export function printable(text: string): string {
  return text
    .replace(/[\t\n\r\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/gu, '')
    .replace(BIDI_CONTROLS, '');
}
