import { normalize } from 'node:path';
import { auditableBytes, readWholeFile } from './file-read.js';
import type { ReadOutcome } from './file-read.js';
import { joinedPath, rootWithSeparator } from './file-name.js';
import type { PathBytes } from './file-name.js';
import { ParallelRead } from './parallel-read.js';

/** Paths handed to the helper thread at a time while the listing goes on: one message per this many files. */
const HAND_OVER_EVERY = 256;

/**
 * The files a listing found, in its order, and their one read. Once the list is long enough for a second
 * thread to pay, a helper starts reading while the listing is still going (see parallel-read.ts).
 */
export class ReadList {
  /** Root-relative, `/` separators, as reports show them (names that are not UTF-8 escaped). */
  readonly paths: string[] = [];
  /** What the file system is given: bytes for a name that is not UTF-8. */
  readonly absolutePaths: (string | Buffer)[] = [];
  /** Whether a file's path puts it in the code checks' scope (not generated or vendored code). */
  readonly codePaths: boolean[] = [];
  /** Whether a file is listed only for the key search (left out by a repository config's scan rules). */
  readonly keysOnlyPaths: boolean[] = [];
  private readonly base: string;
  private parallel: ParallelRead | undefined;
  private handedOver = 0;

  constructor(
    root: string,
    /** Files up to this size are read whole, larger ones are `large`. */
    private readonly wholeBound: number,
    /** From this many files on, the helper reads part of them. */
    private readonly parallelFrom: number,
  ) {
    this.base = rootWithSeparator(normalize(root));
  }

  add(shown: string, path: PathBytes, codePath: boolean, keysOnly = false): void {
    this.paths.push(shown);
    this.absolutePaths.push(joinedPath(this.base, path));
    this.codePaths.push(codePath && !keysOnly);
    this.keysOnlyPaths.push(keysOnly);
    if (this.paths.length >= this.parallelFrom) {
      this.parallel ??= new ParallelRead();
      if (this.paths.length - this.handedOver >= HAND_OVER_EVERY || this.handedOver === 0) this.handOver();
    }
  }

  /** Reads every file once and shows each outcome to `take`: in the list's order, or as read when a helper reads too. */
  read(take: (index: number, outcome: ReadOutcome) => void): void {
    let scratch = Buffer.allocUnsafeSlow(Math.min(this.wholeBound + 1, 1024 * 1024));
    // One buffer for every file read here: fresh buffers per file cost page faults and garbage collection.
    const readHere = (index: number): ReadOutcome =>
      readWholeFile(this.absolutePaths[index]!, this.wholeBound, (size) => {
        // Grown by doubling (up to the bound): each fresh buffer costs a page fault per 4 KiB the next read touches.
        if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, Math.min(scratch.length * 2, this.wholeBound + 1)));
        return scratch;
      });
    if (this.parallel) {
      this.handOver();
      this.parallel.read(this.paths.length, { readHere, fromBytes: auditableBytes, take });
      this.parallel = undefined;
    } else {
      for (let index = 0; index < this.paths.length; index++) take(index, readHere(index));
    }
  }

  private handOver(): void {
    // A name that is not UTF-8 goes as an empty path: the helper leaves that file to this thread.
    this.parallel?.add(this.absolutePaths.slice(this.handedOver).map((path) => (typeof path === 'string' ? path : '')));
    this.handedOver = this.absolutePaths.length;
  }
}
