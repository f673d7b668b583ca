import { setImmediate as nextTurn } from 'node:timers/promises';
import { visitFileBytes } from '../workspace.js';
import type { Workspace, WorkspaceFile } from '../workspace.js';

/**
 * What one file's raw bytes yield for one need (a keyword flag, the keys it holds); `undefined` or
 * `false` when the file has nothing for it. Compared by identity: the same function asked by two checks
 * runs once per file.
 */
export type ByteExtractor<T> = (bytes: Buffer, file: WorkspaceFile) => T | undefined | false;

/** The files an extractor yielded something for, in the workspace's order, with what it yielded. */
export type ByteScanResult<T> = ReadonlyMap<WorkspaceFile, T>;

type AnyExtractor = ByteExtractor<unknown>;

interface Pending {
  extractor: AnyExtractor;
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

  scan<T>(extractor: ByteExtractor<T>): Promise<ByteScanResult<T>> {
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
      this.batch.push({ extractor: extractor as AnyExtractor, resolve, reject });
    });
    this.results.set(extractor as AnyExtractor, result);
    return result as Promise<ByteScanResult<T>>;
  }

  private run(batch: readonly Pending[]): void {
    const found = batch.map(() => new Map<WorkspaceFile, unknown>());
    try {
      visitFileBytes(this.workspace, (file, bytes) => {
        for (let index = 0; index < batch.length; index++) {
          const value = batch[index]!.extractor(bytes, file);
          if (value !== undefined && value !== false) found[index]!.set(file, value);
        }
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(found[index]!));
  }
}

const scans = new WeakMap<Workspace, ByteScan>();

/** What `extractor` yields for each file of the workspace, from the workspace's shared byte scan. */
export function scanBytes<T>(workspace: Workspace, extractor: ByteExtractor<T>): Promise<ByteScanResult<T>> {
  let scan = scans.get(workspace);
  if (!scan) {
    scan = new ByteScan(workspace);
    scans.set(workspace, scan);
  }
  return scan.scan(extractor);
}

const NOTHING: ByteExtractor<never> = () => undefined;

/**
 * The workspace's files once its byte scan has read them: a check that only needs paths waits for it
 * rather than making the workspace read every file before the scan's extractors are known.
 */
export async function scannedFiles(workspace: Workspace): Promise<readonly WorkspaceFile[]> {
  await scanBytes(workspace, NOTHING);
  return workspace.files;
}
