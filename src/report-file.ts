import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes a report file whole or not at all: a temporary file in the same folder, then a
 * rename, so an interrupted run never leaves a half-written report for CI to parse.
 */
export function writeReportFile(file: string, content: string): void {
  const target = resolve(file);
  makeFolder(dirname(target));
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
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
