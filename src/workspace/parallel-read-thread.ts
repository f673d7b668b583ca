// The helper thread's code, for parallel-read.ts. The thread runs `helperThread` as source, where nothing
// else of this module exists: so this file holds nothing but types and that one function, and a
// reference from it to anything outside it fails the typecheck here instead of failing in the thread.

export interface HelperData {
  firstRead: number;
  /** Slot numbers of `control` and statuses of `lengths` (parallel-read.ts's constants). */
  slots: { freeBytes: number; nextIndex: number; published: number; helperDone: number; helperWaits: number; callerWaits: number };
  readStatus: { leftToCaller: number; unreadable: number };
  ringBytes: number;
  maxFiles: number;
  control: Int32Array;
  offsets: Int32Array;
  lengths: Int32Array;
  releases: Int32Array;
  published: Int32Array;
  ring: SharedArrayBuffer;
}

/** A message to the helper: more paths (joined by NUL, which no path holds), or the end of the list. */
export type HelperMessage = { paths: string } | { end: true };

/**
 * The helper thread: as paths arrive, takes the next file from the shared queue, reads it into the ring
 * and publishes it, until the list has ended and the queue is empty. Runs on its own, so it refers to
 * nothing outside itself.
 */
export function helperThread(require: NodeJS.Require): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = workerData as HelperData;
  const { firstRead, ringBytes, maxFiles, control, offsets, lengths, releases, published, ring } = data;
  const { freeBytes: FREE, nextIndex: NEXT, published: PUBLISHED_COUNT, helperDone: DONE, helperWaits: WAITS, callerWaits: CALLER_WAITING } = data.slots;
  const { leftToCaller: CALLER, unreadable: CANNOT_READ } = data.readStatus;
  const bytes = new Uint8Array(ring);
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
  const paths: string[] = [];
  let ended = false;
  let at = 0;
  let count = 0;

  const finish = (): void => {
    Atomics.store(control, DONE, 1);
    Atomics.notify(control, PUBLISHED_COUNT);
    parentPort?.close();
  };

  /** Reads every file it can take among the paths it has; false once no file is left to take. */
  const readKnown = (): boolean => {
    for (;;) {
      // Room first, then a file: a taken file never waits for room the caller would have to free.
      const skipped = ringBytes - at < firstRead ? ringBytes - at : 0;
      const room = skipped + firstRead;
      for (let free = Atomics.load(control, FREE); free < room; free = Atomics.load(control, FREE)) {
        // Announced before the wait, which returns at once if the caller freed room since `free` was read.
        Atomics.store(control, WAITS, 1);
        Atomics.wait(control, FREE, free);
        Atomics.store(control, WAITS, 0);
      }
      const index = Atomics.load(control, NEXT);
      if (index >= maxFiles) return false;
      if (index >= paths.length) return !ended;
      if (Atomics.compareExchange(control, NEXT, index, index + 1) !== index) continue;
      Atomics.sub(control, FREE, room);
      if (skipped > 0) at = 0;
      let length = CANNOT_READ;
      let descriptor: number | undefined;
      const path = paths[index]!;
      try {
        // An empty path is a name that is not UTF-8: the calling thread has its bytes.
        if (path === '') throw new Error('left to the caller');
        // Non-blocking, as on the calling thread: a FIFO swapped in after the walk must not hang.
        descriptor = fs.openSync(path, flags);
        const read = fs.readSync(descriptor, bytes, at, firstRead, 0);
        if (read === firstRead) length = CALLER;
        else if (read > 0 || fs.fstatSync(descriptor).isFile()) length = read;
      } catch {
        // The calling thread reads it again and says why it failed (a symlink, a folder, gone).
        length = CALLER;
      }
      try {
        if (descriptor !== undefined) fs.closeSync(descriptor);
      } catch {
        // Closing a descriptor that was read cannot lose what was read.
      }
      const used = Math.max(length, 0);
      Atomics.add(control, FREE, firstRead - used);
      offsets[index] = at;
      lengths[index] = length;
      releases[index] = skipped + used;
      at += used;
      published[count++] = index;
      Atomics.store(control, PUBLISHED_COUNT, count);
      if (Atomics.load(control, CALLER_WAITING) === 1) Atomics.notify(control, PUBLISHED_COUNT);
    }
  };

  parentPort?.on('message', (message: HelperMessage) => {
    try {
      if ('paths' in message) for (const path of message.paths.split('\0')) paths.push(path);
      else ended = true;
      if (!readKnown()) finish();
    } catch {
      finish();
    }
  });
}
