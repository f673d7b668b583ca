import { existsSync } from 'node:fs';
import { runProcess } from './process.js';
import type { ProcessRun } from './process.js';

export const CLI = new URL('../../bin/openrouter-check.js', import.meta.url).pathname;
const BUILT_CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

/** What a CLI run printed, and how it ended. */
export type CliRun = ProcessRun;

export interface CliRunOptions {
  cwd?: string;
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
  /** Killed (SIGKILL) after this long (default `CLI_HANG_LIMIT_MS`): a hang fails the test instead of stalling the suite. */
  timeoutMs?: number;
  /** Called with the child's pid as soon as it is spawned, before it has done any work to speak of. */
  onSpawn?: (pid: number) => void;
}

const INHERITED_ENV_DROPPED = new Set(['FORCE_COLOR', 'NO_COLOR', 'OPENROUTER_API_KEY', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY']);

/**
 * Runs the built CLI as a user would: a separate process, no TTY, a clean colour environment.
 * Asynchronous so the test worker's event loop (and any fake server in it) keeps running.
 */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run `npm run build` before the end-to-end tests');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_ENV_DROPPED.has(name)) env[name] = value;
  }
  return runProcess(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...env, ...options.env },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}
