import { spawn, spawnSync } from 'node:child_process';
import { CLI } from '../../support/cli.js';
import type { CliRun } from '../../support/cli.js';
import { CLI_HANG_LIMIT_MS } from '../../support/time-limits.js';

/** The `nobody` account: file permissions hold for it, unlike for root, which reads a chmod-000 file anyway. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/**
 * Whether permission tests can run: as a user chmod binds, or as root able to become `nobody` and start
 * the CLI that way (a checkout under a private home folder would stop `nobody` before the test begins).
 */
export const PERMISSIONS_ENFORCEABLE =
  process.platform !== 'win32' && (process.getuid?.() !== 0 || spawnSync(process.execPath, [CLI, '--version'], { ...NOBODY, stdio: 'ignore' }).status === 0);

/** The built CLI run as `nobody` when the tests run as root (else as the current user), with no API key. */
export function runCliUnprivileged(args: readonly string[], timeoutMs = CLI_HANG_LIMIT_MS): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENROUTER_|FORCE_COLOR|NO_COLOR|GITHUB_)/.test(name)));
  const identity = process.getuid?.() === 0 ? NOBODY : {};
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...identity });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
