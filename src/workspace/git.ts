import { execFile } from 'node:child_process';
import type { ExecFileException } from 'node:child_process';

/**
 * Runs git on the audited repository so that nothing in that repository runs: a repository's own
 * `.git/config` may name programs git would start (core.fsmonitor on `ls-files --others` and `diff`,
 * clean filters when `diff` compares the working tree: see filterDriversOff), so those are switched off
 * on the command line, which wins over every config file; `diff` callers also pass `--no-ext-diff
 * --no-textconv`. No pager, no prompt, no locks
 * taken, messages in English (they are matched), a time limit, and the run's cancellation.
 */

/** Settings that would make git start a program of the repository's choosing, or write to it. */
const NEUTRAL_CONFIG = ['core.fsmonitor=false', 'core.untrackedCache=false', 'core.quotePath=false', 'core.hooksPath=/dev/null'];

/** A repository's whole file list is tens of megabytes at most. */
const MAX_GIT_OUTPUT = 1024 * 1024 * 1024;
/** git answers in seconds even for very large repositories; a repository that stalls it (a FIFO as an ignore file) must not stall the run. */
const GIT_TIMEOUT_MS = 120_000;

export type GitRun =
  | { ok: true; stdout: Buffer }
  /** `missing`: git could not be started; `notRepository`: the folder is not in a git work tree. */
  | { ok: false; missing: boolean; notRepository: boolean; message: string };

export interface GitOptions {
  signal?: AbortSignal;
  /** Extra `-c name=value` settings, after the neutral ones. */
  config?: readonly string[];
}

/** `git -C <root> <args>` with the repository's programs switched off; stdout as bytes (file names need not be UTF-8). */
export function runGit(root: string, args: readonly string[], options: GitOptions = {}): Promise<GitRun> {
  const config = [...NEUTRAL_CONFIG, ...(options.config ?? [])].flatMap((setting) => ['-c', setting]);
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', root, ...config, ...args],
      {
        encoding: 'buffer',
        maxBuffer: MAX_GIT_OUTPUT,
        timeout: GIT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        ...(options.signal ? { signal: options.signal } : {}),
        env: gitEnvironment(),
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ ok: true, stdout });
        const code = (error as NodeJS.ErrnoException).code;
        const said = stderr.toString('utf8');
        resolve({
          ok: false,
          missing: code === 'ENOENT',
          notRepository: /not a git repository/i.test(said),
          message: failureOf(error, said),
        });
      },
    );
  });
}

/** The caller's environment (GIT_DIR and GIT_INDEX_FILE matter in a hook) without what would start a program. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANGUAGE: 'C' };
  delete env.GIT_EXTERNAL_DIFF;
  delete env.GIT_ASKPASS;
  delete env.GIT_EDITOR;
  return env;
}

/** git's own first line of complaint (without `fatal: `), or what stopped it. */
function failureOf(error: ExecFileException, stderr: string): string {
  if (error.code === 'ENOENT') return 'git is not installed (or not on the PATH)';
  if (error.name === 'AbortError') return 'cancelled';
  if (error.killed || error.signal) return `git did not answer within ${GIT_TIMEOUT_MS / 1000} s`;
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return 'git listed more than the tool reads';
  const said = stderr
    .split('\n')
    .find((line) => line.trim())
    ?.trim()
    .replace(/^(fatal|error): /, '');
  return said || `git exited with code ${String(error.code)}`;
}

/** `-z` output: NUL-separated names, unquoted, as bytes. */
export function namesIn(output: Buffer): Buffer[] {
  const names: Buffer[] = [];
  let from = 0;
  for (let at = output.indexOf(0); at !== -1; at = output.indexOf(0, from)) {
    if (at > from) names.push(output.subarray(from, at));
    from = at + 1;
  }
  if (from < output.length) names.push(output.subarray(from));
  return names;
}

/**
 * `-c filter.<driver>.clean=` and the like for every filter driver the repository's config defines: a
 * `diff` against the working tree would otherwise run a driver's command on each changed file.
 */
export async function filterDriversOff(root: string, signal?: AbortSignal): Promise<string[]> {
  const listed = await runGit(root, ['config', '-z', '--name-only', '--get-regexp', '^filter\\.'], signal ? { signal } : {});
  // None defined: `git config` exits 1.
  if (!listed.ok) return [];
  const drivers = new Set(
    namesIn(listed.stdout)
      .map((name) => name.toString('utf8').trim())
      .map((name) => /^filter\.(.+)\.[^.]+$/.exec(name)?.[1])
      .filter((name): name is string => name !== undefined),
  );
  return [...drivers].flatMap((driver) => [
    `filter.${driver}.clean=`,
    `filter.${driver}.smudge=`,
    `filter.${driver}.process=`,
    `filter.${driver}.required=false`,
  ]);
}
