import { spawn } from 'node:child_process';
import { CLI_HANG_LIMIT_MS } from './time-limits.js';

export interface ProcessRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** The whole environment of the child: nothing is inherited that is not here. */
  env: Record<string, string>;
  /** Killed (SIGKILL) after this long (default `CLI_HANG_LIMIT_MS`): a hang fails the test instead of stalling the suite. */
  timeoutMs?: number;
  /** Called with the child's pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs a command with only the given environment and collects what it prints. Asynchronous, so a
 * server in the test worker keeps answering.
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessRun> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? CLI_HANG_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
