import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { printable } from '../reporters/printable.js';

// The audited repository is untrusted, and a report is written where its files are: a committed
// symlink (`reports -> /home/runner/.ssh`, `junit.xml -> ~/.bashrc`) or a planted temporary name
// must never turn a report into a write somewhere else. Nothing here follows a symlink it did not
// expect: the target is refused if it is one, folders below the working directory too, and the
// temporary file is created new (O_EXCL) under a name nobody can guess.

/** What became of a write: done, or one line for the user (`refusing to write "x": it is a symbolic link`). */
export type WriteOutcome = { ok: true } | { ok: false; error: string };

export interface WriteOptions {
  /** Folders on the path below this one must be real folders; the operator chose the ones above. Default: the working directory. */
  cwd?: string;
}

/** Not on Windows: there, the target and the folders are checked with lstat alone. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW;

/** A name in use is retried with another: 64 random bits make a second collision all but impossible. */
const NAME_ATTEMPTS = 5;
/** Room in a 255-byte file name for the dot, the random part and `.tmp`. */
const MAX_NAME_PART = 200;

/** Temporary files of writes in progress, so an exit (Ctrl-C) can remove them. */
const unfinished = new Set<string>();

/** A write the tool refuses on purpose, as opposed to one the system could not do. */
class Refused extends Error {}

/**
 * Writes a report file whole or not at all: a new temporary file in the target's folder (created
 * exclusively, never through a symlink, under an unpredictable name), then a rename over the target,
 * so an interrupted run never leaves a half-written report for CI to parse. A target that is a
 * symlink, or a folder on its path below `cwd` that is one, is refused and nothing is written.
 */
export function writeReportFile(file: string, content: string, options: WriteOptions = {}): WriteOutcome {
  const shown = printable(file);
  const target = resolve(options.cwd ?? process.cwd(), file);
  try {
    checkFolders(dirname(target), options.cwd ?? process.cwd(), { create: true });
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Refused('it is a symbolic link');
    writeThroughTemporary(target, content);
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: `refusing to write "${shown}": ${error.message}` };
    return { ok: false, error: `cannot write "${shown}" (${reasonOf(error)})` };
  }
}

/**
 * Why `writeReportFile` would refuse this target as things stand, without creating anything: so a
 * run with several report files writes none of them when one is refused.
 */
export function refusalOf(file: string, options: WriteOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const target = resolve(cwd, file);
  try {
    checkFolders(dirname(target), cwd, { create: false });
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Refused('it is a symbolic link');
    return undefined;
  } catch (error) {
    // Errors other than a refusal (a folder that cannot be read) are for the write itself to report.
    return error instanceof Refused ? `refusing to write "${printable(file)}": ${error.message}` : undefined;
  }
}

/**
 * Appends to the GitHub step summary. The runner owns that file, so it is appended to in place, not
 * replaced; a symlink there is refused (O_NOFOLLOW) rather than followed.
 */
export function appendStepSummary(file: string, markdown: string): WriteOutcome {
  const shown = printable(file);
  try {
    // Without O_NOFOLLOW (Windows) lstat says it; with it, the open refuses a link whatever happens in between.
    if (NO_FOLLOW === 0 && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Refused('it is a symbolic link');
    const descriptor = openOrRefuse(file, APPEND);
    try {
      writeAll(descriptor, markdown);
    } finally {
      closeSync(descriptor);
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: `refusing to write "${shown}": ${error.message}` };
    return { ok: false, error: `cannot write "${shown}" (${reasonOf(error)})` };
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

function writeThroughTemporary(target: string, content: string): void {
  const { temporary, descriptor } = createTemporary(target);
  unfinished.add(temporary);
  try {
    try {
      writeAll(descriptor, content);
    } finally {
      closeSync(descriptor);
    }
    // rename replaces a symlink put at the target since the check; it never writes through one.
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    unfinished.delete(temporary);
  }
}

/** `.junit.xml.<16 random hex>.tmp` beside the target, created new: a file or link already there is never opened. */
function createTemporary(target: string): { temporary: string; descriptor: number } {
  for (let attempt = 1; ; attempt++) {
    const temporary = join(dirname(target), `.${basename(target).slice(0, MAX_NAME_PART)}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      return { temporary, descriptor: openSync(temporary, CREATE_NEW, 0o666) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EEXIST' && code !== 'ELOOP') || attempt === NAME_ATTEMPTS) throw error;
    }
  }
}

function openOrRefuse(file: string, flags: number): number {
  try {
    return openSync(file, flags, 0o666);
  } catch (error) {
    // O_NOFOLLOW on a symlink: ELOOP on Linux and macOS, EMLINK on FreeBSD.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ELOOP' || code === 'EMLINK') && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Refused('it is a symbolic link');
    throw error;
  }
}

function writeAll(descriptor: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

/**
 * Makes sure the folder exists (or, without `create`, that nothing on its path is refused). Below
 * `cwd` (the checkout, usually) each folder on the path must be a real folder — a symlink there was
 * planted by the repository — and a missing one is created with mkdir, which never follows a link.
 * At or above `cwd`, and for a target outside it, the folders are the operator's choice (`/tmp` is a
 * symlink on macOS) and are followed.
 */
function checkFolders(folder: string, cwd: string, { create }: { create: boolean }): void {
  const base = resolve(cwd);
  const below = relative(base, folder);
  if (below === '' || below === '..' || below.startsWith(`..${sep}`) || isAbsolute(below)) {
    if (create) makeFolder(folder);
    return;
  }
  let current = base;
  for (const part of below.split(sep)) {
    current = join(current, part);
    const shown = printable(relative(base, current).split(sep).join('/'));
    let entry = lstatSync(current, { throwIfNoEntry: false });
    if (entry === undefined) {
      // Nothing there yet: nothing below it can be a planted link.
      if (!create) return;
      try {
        mkdirSync(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      entry = lstatSync(current);
    }
    if (entry.isSymbolicLink()) throw new Refused(`folder "${shown}" is a symbolic link`);
    if (!entry.isDirectory()) throw new Refused(`"${shown}" is not a folder`);
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

function reasonOf(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : printable(String(error));
}
