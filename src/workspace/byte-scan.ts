import { setImmediate as nextTurn } from 'node:timers/promises';
import { visitFileBytes } from './workspace.js';
import type { Workspace, WorkspaceFile } from './workspace.js';
import { ByteWord } from './byte-word.js';

/**
 * What one file's raw bytes yield for one need (a keyword flag, the keys it holds); `undefined` or
 * `false` when the file has nothing for it. Compared by identity: the same function asked by two checks
 * runs once per file.
 */
export type ByteExtractor<T> = (bytes: Buffer, file: WorkspaceFile) => T | undefined | false;

/**
 * What the key and URL search finds in one file's bytes, each hit with its byte offset in `bytes`. It sees
 * every file of the set — binaries too — and a file too large to hold as several overlapping pieces: a hit
 * at or past a piece's owned end is its next piece's, and is dropped here.
 */
export type HitExtractor<H extends { offset: number }> = (bytes: Buffer, file: WorkspaceFile) => H[] | undefined;

/** The files an extractor yielded something for, in the workspace's order, with what it yielded. */
export type ByteScanResult<T> = ReadonlyMap<WorkspaceFile, T>;

type AnyExtractor = ByteExtractor<unknown>;

interface Pending {
  extractor: AnyExtractor;
  /** Runs on every file of the set (a HitExtractor), not on the code checks' files only. */
  everyFile: boolean;
  resolve: (result: ByteScanResult<unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * The workspace's one byte scan: every extractor asked for before it starts runs in the same pass, which
 * reads each file once (during the workspace's own read when that has not happened yet) and keeps only
 * what the extractors return. Checks ask synchronously at the start of `run()` — run.ts starts every
 * check in one synchronous loop — and the pass starts on the next macrotask, so one pass serves them all.
 * An extractor asked for after a pass started gets a pass of its own (correct, only slower).
 */
class ByteScan {
  private readonly results = new Map<AnyExtractor, Promise<ByteScanResult<unknown>>>();
  private batch: Pending[] | undefined;

  constructor(private readonly workspace: Workspace) {}

  scan<T>(extractor: ByteExtractor<T>, everyFile: boolean): Promise<ByteScanResult<T>> {
    const known = this.results.get(extractor as AnyExtractor);
    if (known) return known as Promise<ByteScanResult<T>>;
    const result = new Promise<ByteScanResult<unknown>>((resolve, reject) => {
      if (!this.batch) {
        this.batch = [];
        const batch = this.batch;
        void nextTurn().then(() => {
          if (this.batch === batch) this.batch = undefined;
          this.run(batch);
        });
      }
      this.batch.push({ extractor: extractor as AnyExtractor, everyFile, resolve, reject });
    });
    this.results.set(extractor as AnyExtractor, result);
    return result as Promise<ByteScanResult<T>>;
  }

  private run(batch: readonly Pending[]): void {
    const found = batch.map(() => [] as { order: number; file: WorkspaceFile; value: unknown }[]);
    try {
      visitFileBytes(this.workspace, (file, bytes, order, inCode, ownedEnd) => {
        for (let index = 0; index < batch.length; index++) {
          const { extractor, everyFile } = batch[index]!;
          if (!everyFile && !inCode) continue;
          const value = extractor(bytes, file);
          if (value === undefined || value === false) continue;
          if (!everyFile) {
            found[index]!.push({ order, file, value });
            continue;
          }
          const hits = ownedEnd === bytes.length ? (value as { offset: number }[]) : (value as { offset: number }[]).filter((hit) => hit.offset < ownedEnd);
          const last = found[index]!.at(-1);
          // The pieces of a file too large to hold come one after the other: their hits go together.
          if (last?.file === file) (last.value as unknown[]).push(...hits);
          else if (hits.length > 0) found[index]!.push({ order, file, value: hits });
        }
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      // A helper thread reads files out of order: the checks see them in the workspace's.
      const hits = found[index]!.sort((a, b) => a.order - b.order);
      pending.resolve(new Map(hits.map(({ file, value }) => [file, value])));
    });
  }
}

const scans = new WeakMap<Workspace, ByteScan>();

function byteScanOf(workspace: Workspace): ByteScan {
  let scan = scans.get(workspace);
  if (!scan) {
    scan = new ByteScan(workspace);
    scans.set(workspace, scan);
  }
  return scan;
}

/** What `extractor` yields for each file of the code checks' scope, from the workspace's shared byte scan. */
export function scanBytes<T>(workspace: Workspace, extractor: ByteExtractor<T>): Promise<ByteScanResult<T>> {
  return byteScanOf(workspace).scan(extractor, false);
}

/** The hits `extractor` finds in every file of the set (the key and URL search's scope), from the same shared byte scan. */
export function searchEveryFile<H extends { offset: number }>(workspace: Workspace, extractor: HitExtractor<H>): Promise<ByteScanResult<H[]>> {
  return byteScanOf(workspace).scan(extractor, true);
}

const NOTHING: ByteExtractor<never> = () => undefined;

/** Every word a test searches for gets an index; `spelled[index]` says, for the bytes in `spelledIn`, 1 yes, 2 no, 0 not asked yet. */
const wordIndexes = new Map<string, number>();
let spelled = new Uint8Array(64);
let spelledIn: Buffer | undefined;

/** Whether `bytes` spell word number `index`, remembered while the same bytes are asked about (each file's are a distinct Buffer). */
function spells(bytes: Buffer, index: number, word: ByteWord): boolean {
  if (spelledIn !== bytes) {
    spelled.fill(0);
    spelledIn = bytes;
  }
  const known = spelled[index];
  if (known) return known === 1;
  const found = word.isIn(bytes);
  spelled[index] = found ? 1 : 2;
  return found;
}

function indexOfWord(word: string): number {
  let index = wordIndexes.get(word);
  if (index === undefined) {
    index = wordIndexes.size;
    wordIndexes.set(word, index);
    if (index >= spelled.length) {
      spelled = new Uint8Array(spelled.length * 2);
      spelledIn = undefined;
    }
  }
  return index;
}

const testsByWords = new Map<string, (bytes: Buffer) => boolean>();

/**
 * A byte test: true when the bytes spell any of `words` (case-sensitive), searched in the order given. The same
 * words give the same function, so the byte scan runs it once per file however many checks ask, and a word
 * two tests share is searched for once per file.
 */
export function spellsAnyOf(words: readonly string[]): (bytes: Buffer) => boolean {
  const key = words.join('\u0000');
  let test = testsByWords.get(key);
  if (!test) {
    const needles = words.map((word) => ({ index: indexOfWord(word), word: new ByteWord(word) }));
    test = (bytes) => needles.some(({ index, word }) => spells(bytes, index, word));
    testsByWords.set(key, test);
  }
  return test;
}

/**
 * The workspace's files once its byte scan has read them: a check that only needs paths waits for it
 * rather than making the workspace read every file before the scan's extractors are known.
 */
export async function scannedFiles(workspace: Workspace): Promise<readonly WorkspaceFile[]> {
  await scanBytes(workspace, NOTHING);
  return workspace.files;
}
