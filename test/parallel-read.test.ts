import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../src/workspace/byte-scan.js';
import { auditableBytes, readWholeFile } from '../src/workspace/file-read.js';
import type { ReadOutcome } from '../src/workspace/file-read.js';
import { ParallelRead } from '../src/workspace/parallel-read.js';
import type { HelperData } from '../src/workspace/parallel-read-thread.js';
import { loadWorkspace } from '../src/workspace/workspace.js';
import type { Workspace, WorkspaceOptions } from '../src/workspace/workspace.js';
import { CLI_HANG_LIMIT_MS } from './support/time-limits.js';
import { makeTree } from './support/tree.js';

const MAX_FILE_SIZE = 1024 * 1024;
const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/**
 * A tree of every kind of file the read tells apart, many times over so both threads meet each kind:
 * ordinary text, empty files, binaries, UTF-16, files over the helper's one-read size (256 KiB), over
 * the size limit, and files the walk saw that are gone or are FIFOs by the time they are read.
 */
function mixedTree(): { root: string; spoil: () => void; paths: string[] } {
  const files: Record<string, string | Buffer> = {};
  for (let index = 0; index < 2_400; index++) {
    const folder = `pkg${index % 40}/src`;
    const kind = index % 60;
    if (kind === 1) files[`${folder}/empty${index}.ts`] = '';
    else if (kind === 2) files[`${folder}/image${index}.png`] = Buffer.concat([Buffer.from('PNG'), Buffer.alloc(16), Buffer.from(`${index}`)]);
    else if (kind === 3) files[`${folder}/windows${index}.txt`] = utf16le(`line ${index}\r\nsecond line\r\n`);
    // Large files are fewer (ten of each): they are written and read whole.
    else if (kind === 4 && index % 240 === 4) files[`${folder}/bundle${index}.js`] = `/* ${index} */` + 'x'.repeat(300 * 1024);
    else if (kind === 5 && index % 240 === 5) files[`${folder}/huge${index}.json`] = 'y'.repeat(MAX_FILE_SIZE + 1);
    else if (kind === 6 || kind === 7) files[`${folder}/spoiled${index}.ts`] = `export const n = ${index};\n`;
    else files[`${folder}/file${index}.ts`] = `export const value${index} = ${'"text" + '.repeat(index % 50)}${index};\n`;
  }
  const root = makeTree(files);
  // Between the walk and the read: one kind vanishes, the other becomes a FIFO (which must not hang the read).
  const spoil = (): void => {
    for (const path of Object.keys(files)) {
      if (!path.includes('/spoiled')) continue;
      const absolute = join(root, path);
      rmSync(absolute);
      if (Number(/spoiled(\d+)/.exec(path)![1]) % 60 === 7) execFileSync('mkfifo', [absolute]);
    }
  };
  return { root, spoil, paths: Object.keys(files) };
}

function load(root: string, options: Partial<WorkspaceOptions>): Workspace {
  return loadWorkspace({ root, include: [], exclude: [], maxFileSize: MAX_FILE_SIZE, ...options });
}

/** Files the helper publishes before the calling thread goes past its first: both threads surely read some. */
const HELPER_HEAD_START = 100;

/** Blocks this thread until `done()` (checked every 5 ms), or gives up after a limit only a helper that never starts meets. */
function blockUntil(done: () => boolean): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; !done() && waited < CLI_HANG_LIMIT_MS; waited += 5) Atomics.wait(pause, 0, 0, 5);
}

/** Reads `paths` with the helper, the calling thread pausing at its first file until the helper has published some. */
function readWithHelper(paths: readonly string[], handOver = paths.length): { outcomes: Map<number, string>; readHere: number } {
  const outcomes = new Map<number, string>();
  let readHere = 0;
  let scratch = Buffer.alloc(0);
  const reader = new ParallelRead();
  // The counters the two threads share (private to ParallelRead): how many files the helper has published.
  const { control, slots } = (reader as unknown as { data: HelperData }).data;
  reader.add(paths.slice(0, handOver));
  reader.read(paths.length, {
    readHere: (index) => {
      if (readHere++ === 0) blockUntil(() => Atomics.load(control, slots.published) >= HELPER_HEAD_START);
      return readWholeFile(paths[index]!, MAX_FILE_SIZE, (size) => (scratch = scratch.length < size ? Buffer.alloc(size) : scratch));
    },
    fromBytes: auditableBytes,
    take: (index: number, outcome: ReadOutcome) => {
      expect(outcomes.has(index), `file ${index} taken twice`).toBe(false);
      outcomes.set(index, describeOutcome(outcome));
    },
  });
  return { outcomes, readHere };
}

const describeOutcome = (outcome: ReadOutcome): string =>
  typeof outcome === 'string' ? outcome : `${outcome.binary ? 'binary' : 'bytes'} ${outcome.bytes.toString('latin1')}`;

describe('the parallel read', () => {
  it('gives each file the outcome a read on one thread gives it, once, whichever thread reads it', () => {
    const { root, spoil, paths } = mixedTree();
    spoil();
    const absolute = paths.map((path) => join(root, path));
    const { outcomes, readHere } = readWithHelper(absolute);

    const alone = absolute.map((path) => describeOutcome(readWholeFile(path, MAX_FILE_SIZE, (size) => Buffer.alloc(size))));
    expect(outcomes.size).toBe(absolute.length);
    expect([...outcomes].sort(([a], [b]) => a - b).map(([, outcome]) => outcome)).toEqual(alone);
    const tally = (outcome: string): number => alone.filter((each) => each.split(' ')[0] === outcome).length;
    // Binaries are read (the key search reads them), files over the whole-read bound are left to a read in pieces.
    expect([tally('binary'), tally('large'), tally('unreadable'), tally('gone')]).toEqual([40, 10, 40, 40]);
    // UTF-16, whichever thread read it, reaches the checks as UTF-8.
    expect(outcomes.get(paths.findIndex((path) => path.endsWith('/windows3.txt')))).toBe('bytes \xef\xbb\xbfline 3\r\nsecond line\r\n');
    // Both threads did part of the work.
    expect(readHere).toBeGreaterThan(0);
    expect(readHere).toBeLessThan(absolute.length);
  });

  it('reads the files the helper was never handed on the calling thread', () => {
    const { root, paths } = mixedTree();
    const absolute = paths.map((path) => join(root, path));
    const { outcomes, readHere } = readWithHelper(absolute, 1_000);
    expect(outcomes.size).toBe(absolute.length);
    expect(readHere).toBeGreaterThanOrEqual(absolute.length - 1_000);
    for (const [index, outcome] of outcomes)
      expect(outcome).toBe(describeOutcome(readWholeFile(absolute[index]!, MAX_FILE_SIZE, (size) => Buffer.alloc(size))));
  });

  it('makes a workspace with the same files, sizes, bytes and summary as the read on one thread, in the walk order', async () => {
    const { root } = mixedTree();
    const sequential = load(root, { parallelReadMinFiles: Number.POSITIVE_INFINITY });
    const parallel = load(root, { parallelReadMinFiles: 0 });

    const seen = { sequential: new Map<string, string>(), parallel: new Map<string, string>() };
    const record = (into: Map<string, string>) => (bytes: Buffer, file: { path: string }) => {
      expect(into.has(file.path), `${file.path} shown twice`).toBe(false);
      into.set(file.path, bytes.toString('latin1'));
      return true;
    };
    await scanBytes(sequential, record(seen.sequential));
    const parallelScan = await scanBytes(parallel, record(seen.parallel));

    expect(parallel.summary).toEqual(sequential.summary);
    expect(parallel.summary.filesSkipped).toEqual({ binary: 40, 'too-large': 10, unreadable: 0, symlink: 0 });
    expect(parallel.files.map((file) => [file.path, file.size])).toEqual(sequential.files.map((file) => [file.path, file.size]));
    expect(seen.parallel).toEqual(seen.sequential);
    // Whatever order the threads read in, what the scan hands the checks is in the workspace's order.
    expect([...parallelScan.keys()]).toEqual(parallel.files);
  });

  it('reads an empty tree and a two-file tree with the helper asked for from the first file', () => {
    const empty = load(makeTree({}), { parallelReadMinFiles: 0 });
    expect(empty.files).toEqual([]);
    const small = makeTree({ 'a.ts': 'a', 'b/c.ts': 'c' });
    expect(load(small, { parallelReadMinFiles: 0 }).files.map((file) => file.path)).toEqual(['a.ts', 'b/c.ts']);
  });
});
