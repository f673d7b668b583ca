import { maskKeysIn } from './secrets.js';

const MAX_SNIPPET_LENGTH = 200;

/**
 * A source line as findings show it: trimmed, keys masked, cut to a readable length.
 * Masking comes before cutting so a cut can never leave part of a key unmasked.
 */
export function snippetOf(line: string): string {
  const masked = maskKeysIn(line.trim());
  return masked.length > MAX_SNIPPET_LENGTH ? `${masked.slice(0, MAX_SNIPPET_LENGTH - 1)}…` : masked;
}
