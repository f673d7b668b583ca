import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Parsing leaves garbage about ten times the size of the source, and V8, whose heap limit here is a
 * fraction of the machine's memory (4 GB on the 2-core build machine), lets it pile up before collecting:
 * on the bench's worst-case tree a full audit reached 726 MB of RSS with a live set far smaller. A full
 * collection after every 2 MB parsed keeps peak memory near the live set, whatever the tree's size (worst
 * case, 12k files: 536 -> 340 MB for 14% more CPU; 8 MB between collections only gave 503 MB); a tree that
 * parses little, as most do, pays for one or two.
 */
export const PARSED_BYTES_BETWEEN_COLLECTIONS = 2 * 1024 * 1024;

let collect: (() => void) | undefined | null;

/** A full garbage collection, or nothing if this runtime does not allow asking for one. */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      // `gc` is only exposed to contexts created after the flag is set: a fresh context hands it over.
      setFlagsFromString('--expose-gc');
      const found: unknown = runInNewContext('gc');
      collect = typeof found === 'function' ? (found as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
