import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CLI = new URL('../../bin/openrouter-check.js', import.meta.url).pathname;
const BUILT_CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: a separate process, no TTY, a clean colour environment. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run `npm run build` before the end-to-end tests');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !['FORCE_COLOR', 'NO_COLOR', 'OPENROUTER_API_KEY', 'GITHUB_ACTIONS'].includes(name)) env[name] = value;
  }
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
