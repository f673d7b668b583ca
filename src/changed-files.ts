import { execFile } from 'node:child_process';

/**
 * Which files git reports as changed, for `--changed-since <ref>` and `--staged`: added, copied,
 * modified or renamed (never deleted), relative to the audited root and only those under it.
 *
 * - `--changed-since <ref>`: the working tree against <ref> (`git diff <ref>`, so uncommitted
 *   edits count), plus untracked files that are not git-ignored.
 * - `--staged`: what is in the index against HEAD (`git diff --cached`), i.e. what the next
 *   commit holds; the files are then read from the working tree.
 *
 * git runs with `-C <root>` and no shell; `--relative` and `ls-files`' own scoping keep the paths
 * relative to the root and drop those outside it.
 */
export type ChangeSelection = { since: string } | { staged: true };

export type ChangedFilesOutcome = { ok: true; files: string[] } | { ok: false; error: string };

/** Enough for the name list of a very large change. */
const MAX_GIT_OUTPUT = 256 * 1024 * 1024;

/** `shownRoot` is the root as the user wrote it, for the error messages. */
export async function changedFiles(root: string, shownRoot: string, selection: ChangeSelection): Promise<ChangedFilesOutcome> {
  const flag = 'since' in selection ? '--changed-since' : '--staged';
  const fail = (problem: string): ChangedFilesOutcome => ({ ok: false, error: `error: ${flag}: ${problem}` });

  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside.missingGit) return fail('git is not installed (or not on the PATH)');
  if (!inside.ok || inside.stdout.trim() !== 'true') return fail(`"${shownRoot}" is not in a git repository`);

  if ('since' in selection) {
    const ref = selection.since;
    // A ref starting with a dash would be read as an option.
    const known = !ref.startsWith('-') && ref !== '' && (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).ok;
    if (!known) return fail(`unknown revision "${ref}"`);
    const [changed, untracked] = await Promise.all([
      git(root, ['diff', '--name-only', '--relative', '-z', '--no-renames', '--diff-filter=ACMR', ref, '--']),
      git(root, ['ls-files', '--others', '--exclude-standard', '-z']),
    ]);
    if (!changed.ok || !untracked.ok) return fail(`git could not list the changes since "${ref}"`);
    return { ok: true, files: [...namesIn(changed.stdout), ...namesIn(untracked.stdout)] };
  }

  const staged = await git(root, ['diff', '--cached', '--name-only', '--relative', '-z', '--no-renames', '--diff-filter=ACMR', '--']);
  if (!staged.ok) return fail('git could not list the staged changes');
  return { ok: true, files: namesIn(staged.stdout) };
}

/** `-z` output: NUL-separated, unquoted, whatever the file names hold. */
function namesIn(output: string): string[] {
  return output.split('\0').filter(Boolean);
}

interface GitRun {
  ok: boolean;
  stdout: string;
  /** git itself could not be started. */
  missingGit: boolean;
}

function git(root: string, args: readonly string[]): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', root, '-c', 'core.quotePath=false', ...args],
      // No pager, no prompt, no locks taken on the user's repository.
      { encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT, env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => {
        const missingGit = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        resolve({ ok: error === null, stdout, missingGit });
      },
    );
  });
}
