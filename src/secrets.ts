/** The OpenRouter key prefix. */
export const KEY_PREFIX = 'sk-or-v1-';

/**
 * An OpenRouter inference key: the prefix and 64 lowercase hex digits not followed by another hex digit,
 * whatever precedes it — a JSON `\n` escape, a letter, an underscore — and whatever follows that is not hex
 * (`…_old`). A 65th hex digit makes it something else; masking still hides it (MASK_PATTERN).
 */
export const KEY_PATTERN = /sk-or-v1-[0-9a-f]{64}(?![0-9a-fA-F])/g;

/**
 * What masking hides, deliberately looser than KEY_PATTERN so a near-miss is never printed whole: anything
 * that starts `sk-or-` (any case, up to the end of its word) and any run of 32 or more hex digits.
 */
export const MASK_PATTERN = /sk-or-[A-Za-z0-9_-]*|[0-9a-f]{32,}/gi;

/** What a masked token keeps: its `sk-or-` / `sk-or-v1-` prefix, and the first and last 4 characters of a long secret. */
const SHOWN_PREFIX = /^sk-or-(?:v1-)?/i;

/** Shows a key as `sk-or-v1-abcd…wxyz`: enough to recognise it, never enough to use it. */
export function maskKey(key: string): string {
  const secret = key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : key;
  if (secret.length <= 8) return `${KEY_PREFIX}…`;
  return `${KEY_PREFIX}${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

/**
 * One MASK_PATTERN match as printed: `sk-or-v1-abcd…wxyz`, `sk-or-…` for a short secret, `abcd…wxyz` for a
 * hex run. Four characters or fewer after the prefix are left alone, so masking a masked text changes nothing.
 */
export function maskSecret(token: string): string {
  const prefix = SHOWN_PREFIX.exec(token)?.[0] ?? '';
  const secret = token.slice(prefix.length);
  if (prefix !== '' && secret.length <= 4) return token;
  if (secret.length < 32) return `${prefix}…`;
  return `${prefix}${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

/** Replaces every key, near-miss and long hex run in a text with its masked form. */
export function maskKeysIn(text: string): string {
  return text.replace(MASK_PATTERN, maskSecret);
}

/**
 * Keys in the real format that are obviously made up (`sk-or-v1-000…`, a short pattern
 * repeated) are documentation placeholders, not leaks. Real keys are random hex.
 */
export function isPlaceholderKey(key: string): boolean {
  const secret = key.slice(KEY_PREFIX.length);
  if (new Set(secret).size < 6) return true;
  for (let period = 1; period <= 16; period++) {
    if (secret.slice(period) === secret.slice(0, secret.length - period)) return true;
  }
  return false;
}
