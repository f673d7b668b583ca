/** The OpenRouter key prefix; searched for in raw bytes before any regex runs. */
export const KEY_PREFIX = 'sk-or-v1-';

/** An OpenRouter inference key: the prefix and 64 lowercase hex characters, not part of a longer word. */
export const KEY_PATTERN = /(?<![A-Za-z0-9_-])sk-or-v1-[0-9a-f]{64}(?![A-Za-z0-9_])/g;

/** Shows a key as `sk-or-v1-abcd…wxyz`: enough to recognise it, never enough to use it. */
export function maskKey(key: string): string {
  const secret = key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : key;
  if (secret.length <= 8) return `${KEY_PREFIX}…`;
  return `${KEY_PREFIX}${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

/** Replaces every key in a text with its masked form. */
export function maskKeysIn(text: string): string {
  return text.replace(KEY_PATTERN, maskKey);
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
