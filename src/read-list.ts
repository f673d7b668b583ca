import { join, normalize, sep } from 'node:path';
import { auditableText, readAuditable } from './file-read.js';
import type { ReadOutcome } from './file-read.js';
import { ParallelRead } from './parallel-read.js';

/** Paths handed to the helper thread at a time while the walk goes on: one message per this many files. */
const HAND_OVER_EVERY = 256;

/**
 * The files a walk found, in its order, and their one read. Once the list is long enough for a second
 * thread to pay, a helper starts reading while the walk is still listing (see parallel-read.ts).
 */
export class ReadList {
  /** Root-relative, `/` separators. */
  readonly paths: string[] = [];
  readonly absolutePaths: string[] = [];
  private readonly base: string;
  private parallel: ParallelRead | undefined;
  private handedOver = 0;

  constructor(
    root: string,
    private readonly maxFileSize: number,
    /** From this many files on, the helper reads part of them. */
    private readonly parallelFrom: number,
  ) {
    this.base = normalize(root);
  }

  add(path: string): void {
    this.paths.push(path);
    this.absolutePaths.push(absolutePathOf(this.base, path));
    if (this.paths.length >= this.parallelFrom) {
      this.parallel ??= new ParallelRead(this.maxFileSize);
      if (this.paths.length - this.handedOver >= HAND_OVER_EVERY || this.handedOver === 0) this.handOver();
    }
  }

  /** Reads every file once and shows each outcome to `take`: in the list's order, or as read when a helper reads too. */
  read(take: (index: number, outcome: ReadOutcome) => void): void {
    let scratch = Buffer.allocUnsafeSlow(Math.min(this.maxFileSize + 1, 1024 * 1024));
    // One buffer for every file read here: fresh buffers per file cost page faults and garbage collection.
    const readHere = (index: number): ReadOutcome =>
      readAuditable(this.absolutePaths[index]!, this.maxFileSize, (size) => {
        if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
        return scratch;
      });
    if (this.parallel) {
      this.handOver();
      this.parallel.read(this.paths.length, { readHere, fromBytes: auditableText, take });
      this.parallel = undefined;
    } else {
      for (let index = 0; index < this.paths.length; index++) take(index, readHere(index));
    }
  }

  private handOver(): void {
    this.parallel?.add(this.absolutePaths.slice(this.handedOver));
    this.handedOver = this.absolutePaths.length;
  }
}

/** `join(root, path)` for a normalised root and a clean relative path (the walk's), without normalising each of thousands. */
function absolutePathOf(root: string, path: string): string {
  if (sep !== '/') return join(root, path);
  return root.endsWith('/') ? root + path : `${root}/${path}`;
}
