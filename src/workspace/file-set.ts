import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { filterDriversOff, namesIn, runGit } from './git.js';
import { nameOf } from './file-name.js';
import type { PathBytes } from './file-name.js';
import type { WorkspaceOptions } from './workspace.js';

/**
 * Which files the audit reads. Inside a git work tree, git says, in one call: the tracked files and the
 * untracked files it does not ignore (`git ls-files --cached --others --exclude-standard`) — a tracked file
 * is audited even if .gitignore lists it, an ignored untracked one (a local `.env`, `node_modules/`) is
 * not, and .gitignore means exactly what git makes of it. Outside a repository, or without git, the
 * workspace walks the tree instead.
 *
 * `--staged` and `--changed-since <ref>` narrow the static checks to what git reports as changed: added,
 * copied, modified or renamed (never deleted), relative to the root and only under it.
 * - `--changed-since <ref>`: the working tree against <ref> (`git diff <ref>`, so uncommitted edits
 *   count), plus untracked files that are not git-ignored.
 * - `--staged`: what is in the index against HEAD (`git diff --cached`), i.e. what the next commit holds;
 *   the files are then read from the working tree.
 */
export type ChangeSelection = { since: string } | { staged: true };

/** Files git listed, relative to the root, and what they are (for the report). */
export interface GitFileList {
  paths: PathBytes[];
  /** `tracked and untracked files git does not ignore`, `files staged for commit`, … */
  description: string;
  /** Set for a `--staged`/`--changed-since` list: said when it is empty, and the file checks then skip. */
  whenEmpty?: string;
}

export type FileSetOutcome =
  /** Outside a git work tree (or without git): walk the tree; `reason` says why git did not answer. */
  | { ok: true; walk: string }
  /** `selected` for the static checks; `whole` (every file) for the remote checks that read the code. */
  | { ok: true; selected: GitFileList; whole: GitFileList }
  | { ok: false; error: string };

const WHOLE = 'tracked and untracked files git does not ignore';

/** The file set of `root` (`shownRoot` is how the user wrote it, for messages): one `git ls-files` call, or a walk. */
export async function listFileSet(root: string, shownRoot: string, selection: ChangeSelection | undefined, signal?: AbortSignal): Promise<FileSetOutcome> {
  const options = signal ? { signal } : {};
  const listWhole = (): ReturnType<typeof runGit> => runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], options);
  if (selection === undefined) {
    // No `.git` in the root or above it (and none named in the environment): not a repository, and git need not start.
    if (!mayBeInRepository(root)) return { ok: true, walk: 'not a git repository' };
    const listed = await listWhole();
    if (!listed.ok) {
      if (listed.missing) return { ok: true, walk: 'git is not installed' };
      if (listed.notRepository) return { ok: true, walk: 'not a git repository' };
      return { ok: false, error: `error: git could not list the files of "${shownRoot}": ${withHint(listed.message)}` };
    }
    const whole = { paths: pathsIn(listed.stdout), description: WHOLE };
    return { ok: true, selected: whole, whole };
  }

  const flag = 'since' in selection ? '--changed-since' : '--staged';
  const fail = (problem: string): FileSetOutcome => ({ ok: false, error: `error: ${flag}: ${problem}` });
  const inside = await runGit(root, ['rev-parse', '--is-inside-work-tree'], options);
  if (!inside.ok && inside.missing) return fail('git is not installed (or not on the PATH)');
  if (!inside.ok || inside.stdout.toString('utf8').trim() !== 'true') return fail(`"${shownRoot}" is not in a git repository`);

  const wholeListed = listWhole();
  let changed: Buffer[];
  let description: string;
  let whenEmpty: string;
  if ('since' in selection) {
    const ref = selection.since;
    // A ref starting with a dash would be read as an option.
    const known = !ref.startsWith('-') && ref !== '' && (await runGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], options)).ok;
    if (!known) return fail(`unknown revision "${ref}"`);
    // Comparing the working tree runs the repository's clean filters on changed files: switched off.
    const config = await filterDriversOff(root, signal);
    const [diff, untracked] = await Promise.all([
      runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--name-only', '--relative', '-z', '--no-renames', '--diff-filter=ACMR', ref, '--'], {
        ...options,
        config,
      }),
      runGit(root, ['ls-files', '-z', '--others', '--exclude-standard'], options),
    ]);
    if (!diff.ok) return fail(`git could not list the changes since "${ref}": ${withHint(diff.message)}`);
    if (!untracked.ok) return fail(`git could not list the untracked files: ${withHint(untracked.message)}`);
    changed = [...namesIn(diff.stdout), ...namesIn(untracked.stdout)];
    description = `files changed since ${ref}`;
    whenEmpty = `0 files changed since ${ref}: nothing to audit`;
  } else {
    const staged = await runGit(
      root,
      ['diff', '--cached', '--no-ext-diff', '--no-textconv', '--name-only', '--relative', '-z', '--no-renames', '--diff-filter=ACMR', '--'],
      options,
    );
    if (!staged.ok) return fail(`git could not list the staged changes: ${withHint(staged.message)}`);
    changed = namesIn(staged.stdout);
    description = 'files staged for commit';
    whenEmpty = '0 files staged: nothing to audit';
  }
  const whole = await wholeListed;
  if (!whole.ok) return fail(`git could not list the files: ${withHint(whole.message)}`);
  return {
    ok: true,
    selected: { paths: unique(changed.flatMap(pathOf)), description, whenEmpty },
    whole: { paths: pathsIn(whole.stdout), description: WHOLE },
  };
}

/** The file set as the workspaces take it: the static checks' (`selected`) and, under `--staged`/`--changed-since`, the remote checks' (every file). */
export interface FileSetOptions {
  ok: true;
  selected: Pick<WorkspaceOptions, 'files' | 'fileSet' | 'whenEmpty'>;
  whole: Pick<WorkspaceOptions, 'files' | 'fileSet'> | undefined;
}

/** listFileSet's answer as workspace options (the CLI's one call), or the error to print. */
export async function fileSetOptions(
  root: string,
  shownRoot: string,
  selection: ChangeSelection | undefined,
  signal?: AbortSignal,
): Promise<FileSetOptions | { ok: false; error: string }> {
  const outcome = await listFileSet(root, shownRoot, selection, signal);
  if (!outcome.ok) return outcome;
  if ('walk' in outcome) return { ok: true, selected: { fileSet: `walk (${outcome.walk})` }, whole: undefined };
  const asOptions = (list: GitFileList): FileSetOptions['selected'] => ({
    files: list.paths,
    fileSet: `git: ${list.description}`,
    ...(list.whenEmpty === undefined ? {} : { whenEmpty: list.whenEmpty }),
  });
  return { ok: true, selected: asOptions(outcome.selected), whole: selection === undefined ? undefined : asOptions(outcome.whole) };
}

/** Whether git could find a repository for `root`: a `.git` in it or a folder above, or one named by GIT_DIR. */
function mayBeInRepository(root: string): boolean {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return true;
  for (let directory = root; ; directory = dirname(directory)) {
    if (existsSync(join(directory, '.git'))) return true;
    if (dirname(directory) === directory) return false;
  }
}

/** git's message, with what to do about the one failure CI containers meet most. */
function withHint(message: string): string {
  return /dubious ownership/i.test(message) ? `${message} (mark the folder safe: git config --global --add safe.directory <path>)` : message;
}

function pathsIn(output: Buffer): PathBytes[] {
  return unique(namesIn(output).flatMap(pathOf));
}

/** A name as git lists it, or none when it is not a plain relative path (git never lists one; a hostile index might). */
function pathOf(name: Buffer): PathBytes[] {
  const path = nameOf(name);
  const text = typeof path === 'string' ? path : path.toString('latin1');
  if (text.startsWith('/') || text.split('/').some((part) => part === '' || part === '.' || part === '..')) return [];
  return [path];
}

/** Each path once (a file in conflict is listed once per stage). */
function unique(paths: PathBytes[]): PathBytes[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = typeof path === 'string' ? path : `\0${path.toString('latin1')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
