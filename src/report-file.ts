import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Temporary files of writes in progress, so an exit (Ctrl-C) can remove them. */
const unfinished = new Set<string>();

/**
 * Writes a report file whole or not at all: a temporary file in the same folder, then a
 * rename, so an interrupted run never leaves a half-written report for CI to parse.
 */
export function writeReportFile(file: string, content: string): void {
  const target = resolve(file);
  makeFolder(dirname(target));
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  unfinished.add(temporary);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    unfinished.delete(temporary);
  }
}

/**
 * Removes the temporary file of any write still in progress, on the way out (Ctrl-C). Writes are
 * synchronous today, so a signal handler only runs between them and finds none; kept so that no
 * exit path can leave one behind if a write ever yields. Never throws.
 */
export function removeUnfinishedReportFiles(): void {
  for (const temporary of unfinished) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more can be done on the way out; the name shows it is a leftover.
    }
  }
  unfinished.clear();
}

/**
 * `mkdir -p`, one level at a time. Node's own `{ recursive: true }` spins forever on some
 * pseudo file systems (a path under /proc), which would hang the run instead of failing it.
 */
function makeFolder(folder: string): void {
  try {
    mkdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(folder).isDirectory()) return;
    const parent = dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    makeFolder(parent);
    mkdirSync(folder);
  }
}
