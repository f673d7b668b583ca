import { createHash } from 'node:crypto';
import type { Finding } from './checks/types.js';

/**
 * A finding's identity across runs: the check, the file and what the line says (its snippet,
 * whitespace-collapsed; the message when there is no snippet) — never the line number, so an
 * edit elsewhere in the file does not change it. Secrets are in snippets only masked, and the
 * result is a hash, so a fingerprint never carries a key.
 */
export function fingerprintsOf(checkId: string, findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const content = (finding.snippet ?? finding.message).replace(/\s+/g, ' ').trim();
    const identity = `${checkId}\u0000${finding.file ?? ''}\u0000${content}`;
    // The same line written twice in one file: the second is its own finding.
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex').slice(0, 32);
  });
}
