import { maskKeysIn } from './secrets.js';

const MAX_SNIPPET_LENGTH = 200;
/**
 * Longer than a key: a key or near-miss cut at the end of a part is masked if 32 characters of it are in the
 * part, and anything shorter left of it there lies beyond what is kept.
 */
const KEY_MARGIN = 80;

/**
 * A source line as findings show it: trimmed, keys masked, cut to a readable length.
 * Masking comes before cutting so a cut can never leave part of a key unmasked.
 */
export function snippetOf(line: string): string {
  const trimmed = line.trim();
  // A minified line can be megabytes: mask only as much of its start as the snippet can show.
  let length = MAX_SNIPPET_LENGTH + KEY_MARGIN;
  let masked = maskKeysIn(trimmed.slice(0, length));
  while (length < trimmed.length && masked.length < MAX_SNIPPET_LENGTH + KEY_MARGIN) {
    length *= 2;
    masked = maskKeysIn(trimmed.slice(0, length));
  }
  if (length >= trimmed.length && masked.length <= MAX_SNIPPET_LENGTH) return detached(masked);
  return detached(`${masked.slice(0, MAX_SNIPPET_LENGTH - 1)}…`);
}

/** A copy that does not keep the line it was cut from alive (V8 slices share their parent string). */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
