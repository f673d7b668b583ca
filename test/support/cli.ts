import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI_HANG_LIMIT_MS } from './time-limits.js';

export const CLI = new URL('../../bin/openrouter-check.js', import.meta.url).pathname;
const BUILT_CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

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
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? CLI_HANG_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
