import { Worker } from 'node:worker_threads';
import { helperThread } from './parallel-read-thread.js';
import type { ReadOutcome } from './file-read.js';
import type { HelperData, HelperMessage } from './parallel-read-thread.js';

/**
 * Reading a large tree is bound by system calls (open, read, close: about 20 µs a file here), which one thread
 * makes one at a time. A helper thread takes files from the same queue and reads them into a shared ring,
 * so two cores make the calls; the calling thread reads files too and shows every file's bytes to its
 * caller as they come, so the order files are shown in is not the list's.
 *
 * The helper starts while the walk is still listing files (a thread takes ~60 ms to start here) and is
 * sent the paths as they are found; the read itself is synchronous, like the single-threaded one.
 */

export interface ParallelReadPlan {
  /** Reads file `index` on the calling thread: what the helper's read must agree with. */
  readHere(index: number): ReadOutcome;
  /** What a whole file's raw bytes, as the helper read them, are for the checks (binary sniff, UTF-16). */
  fromBytes(raw: Buffer): ReadOutcome;
  /** Takes file `index`'s outcome; its bytes are valid only until `take` returns (the ring reuses them). */
  take(index: number, outcome: ReadOutcome): void;
}

/** Below this many files the helper (~60 ms of the other core to start, ~5 ms of this one) is not repaid. */
export const PARALLEL_READ_MIN_FILES = 2_000;

/** The helper reads a file whole in one call of at most this many bytes; larger files it leaves to the caller. */
const HELPER_READ_BYTES = 256 * 1024;
/**
 * Room for the helper to read ahead (about a hundred ordinary files). Small on purpose: the kernel copies
 * each file into it and the caller reads it back while it is still in the CPU's cache (measured: a 16 MiB
 * ring made the helper's reads 30% slower than a 2 MiB one).
 */
const RING_BYTES = 2 * 1024 * 1024;
/** The helper takes files up to this index only (its per-file slots are reserved, not touched, memory). */
const HELPER_MAX_FILES = 1024 * 1024;

/** Slots of the shared control array. */
const SLOT = {
  freeBytes: 0,
  nextIndex: 1,
  published: 2,
  helperDone: 3,
  /** Set by a thread about to wait, so the other wakes it only then (a wake costs a lock and often a system call). */
  helperWaits: 4,
  callerWaits: 5,
} as const;
const CONTROL_SLOTS = 6;

/** What the helper says of a file it took, in `lengths`, when not its length. */
const READ_STATUS = { leftToCaller: -1, unreadable: -2 } as const;

/** A helper thread reading ahead of the calling thread; given paths as the walk finds them, then `read` once. */
export class ParallelRead {
  private readonly data: HelperData;
  private readonly helper: Worker | undefined;
  private sent = 0;

  constructor() {
    const shared = (slots: number): Int32Array => new Int32Array(new SharedArrayBuffer(slots * 4));
    this.data = {
      firstRead: HELPER_READ_BYTES,
      slots: SLOT,
      readStatus: READ_STATUS,
      ringBytes: RING_BYTES,
      maxFiles: HELPER_MAX_FILES,
      control: shared(CONTROL_SLOTS),
      offsets: shared(HELPER_MAX_FILES),
      lengths: shared(HELPER_MAX_FILES),
      releases: shared(HELPER_MAX_FILES),
      published: shared(HELPER_MAX_FILES),
      ring: new SharedArrayBuffer(RING_BYTES),
    };
    this.data.control[SLOT.freeBytes] = RING_BYTES;
    this.helper = startHelper(this.data);
  }

  /** Hands the helper the next absolute paths, in the list's order; an empty one it leaves to the calling thread. */
  add(paths: readonly string[]): void {
    const room = Math.max(0, HELPER_MAX_FILES - this.sent);
    if (paths.length === 0 || room === 0 || !this.helper) return;
    const sending = paths.length > room ? paths.slice(0, room) : paths;
    this.post({ paths: sending.join('\0') });
    this.sent += sending.length;
  }

  /**
   * Reads files 0 to `count - 1` (the helper has the paths of some of them) and shows each outcome to
   * `plan.take` once. When the helper failed to start or stops early, the calling thread reads what it left.
   */
  read(count: number, plan: ParallelReadPlan): void {
    const { control, offsets, lengths, releases, published } = this.data;
    this.post({ end: true });
    const ring = Buffer.from(this.data.ring);
    const taken = new Uint8Array(count);
    let seen = 0;
    let left = count;
    const takeOne = (index: number, outcome: ReadOutcome): void => {
      taken[index] = 1;
      left--;
      plan.take(index, outcome);
    };
    /** Takes what the helper has published since last time, freeing its ring space in the order it was used. */
    const takePublished = (): void => {
      const upTo = Atomics.load(control, SLOT.published);
      for (; seen < upTo; seen++) {
        const index = published[seen]!;
        const length = lengths[index]!;
        try {
          if (length === READ_STATUS.leftToCaller) takeOne(index, plan.readHere(index));
          else if (length === READ_STATUS.unreadable) takeOne(index, 'unreadable');
          else takeOne(index, plan.fromBytes(ring.subarray(offsets[index]!, offsets[index]! + length)));
        } finally {
          Atomics.add(control, SLOT.freeBytes, releases[index]!);
          if (Atomics.load(control, SLOT.helperWaits) === 1) Atomics.notify(control, SLOT.freeBytes);
        }
      }
    };

    try {
      for (;;) {
        takePublished();
        const index = Atomics.add(control, SLOT.nextIndex, 1);
        if (index >= count) break;
        takeOne(index, plan.readHere(index));
      }
      // Every file is taken: wait for those the helper is still reading.
      while (left > 0) {
        const upTo = Atomics.load(control, SLOT.published);
        if (upTo > seen) {
          takePublished();
        } else if (Atomics.load(control, SLOT.helperDone) === 1) {
          // The helper stopped without publishing a file it took: read those here.
          for (let index = 0; index < count; index++) if (!taken[index]) takeOne(index, plan.readHere(index));
        } else {
          Atomics.store(control, SLOT.callerWaits, 1);
          Atomics.wait(control, SLOT.published, upTo, 100);
          Atomics.store(control, SLOT.callerWaits, 0);
        }
      }
    } finally {
      // Whatever happened, the helper takes no more files and wakes if it waits for room.
      Atomics.store(control, SLOT.nextIndex, HELPER_MAX_FILES);
      Atomics.store(control, SLOT.freeBytes, RING_BYTES * 2);
      Atomics.notify(control, SLOT.freeBytes);
    }
  }

  private post(message: HelperMessage): void {
    try {
      this.helper?.postMessage(message);
    } catch {
      // A helper that is gone takes nothing more; the calling thread reads it all.
    }
  }
}

function startHelper(data: HelperData): Worker | undefined {
  try {
    // The thread runs helperThread as source: it needs no module file of its own, so it runs the same from
    // the built package and from the sources under test. No preloads: it only reads files.
    const helper = new Worker(`(${helperThread.toString()})(require);`, { eval: true, workerData: data, execArgv: [], stdout: false, stderr: false });
    helper.unref();
    // A helper that fails to start takes no file, so the calling thread reads them all; one that fails
    // later says so in SLOT.helperDone. Either way its 'error' event must not end the process.
    helper.on('error', () => undefined);
    return helper;
  } catch {
    return undefined;
  }
}
