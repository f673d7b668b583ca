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

/**
 * Shapes of credentials other than OpenRouter keys, each with the prefix a masked value keeps:
 * OpenAI/Anthropic-style `sk-…`, GitHub (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`),
 * Slack (`xoxb-`…), AWS access key ids, GitLab tokens, and any long run of letters and digits.
 */
const TOKEN_SHAPES: readonly { pattern: RegExp; prefix: RegExp }[] = [
  { pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}/g, prefix: /^sk-/ },
  { pattern: /(?<![A-Za-z0-9_])gh[oprsu]_[A-Za-z0-9]{20,}/g, prefix: /^gh[oprsu]_/ },
  { pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,}/g, prefix: /^github_pat_/ },
  { pattern: /(?<![A-Za-z0-9_-])xox[a-z]-[A-Za-z0-9-]{10,}/g, prefix: /^xox[a-z]-/ },
  { pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, prefix: /^(?:AKIA|ASIA)/ },
  { pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g, prefix: /^glpat-/ },
  // Random tokens mix letters and digits; words and numbers alone are left as they are.
  { pattern: /(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{32,}/g, prefix: /^/ },
];

/** A token as `<prefix>abcd…wxyz`: recognisable, never usable. */
function maskToken(token: string, prefix: RegExp): string {
  const kept = prefix.exec(token)?.[0] ?? '';
  const secret = token.slice(kept.length);
  return secret.length < 16 ? `${kept}…` : `${kept}${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

/**
 * Replaces whatever looks like a credential — an OpenRouter key or any of the common token shapes —
 * with its masked form. Looser than detection on purpose: for messages that quote what a user or an
 * audited file wrote, where a false mask costs nothing and a leak costs a secret.
 */
export function maskSecretsIn(text: string): string {
  let masked = maskKeysIn(text);
  for (const { pattern, prefix } of TOKEN_SHAPES) masked = masked.replace(pattern, (token) => maskToken(token, prefix));
  return masked;
}
