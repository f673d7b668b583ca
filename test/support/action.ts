import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CLI_HANG_LIMIT_MS } from './time-limits.js';

interface ActionStep {
  shell: string;
  env: Record<string, string>;
  run: string;
}
export interface Action {
  inputs: Record<string, { description: string; default: string }>;
  runs: { using: string; steps: ActionStep[] };
}

/** action.yml as GitHub reads it. */
export const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as Action;
/** The composite action's one step: the script and the env that carries the inputs into it. */
export const actionStep = action.runs.steps[0]!;

/** The step's env as the runner sets it: each `${{ inputs.x }}` replaced by the input or its default. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, expression] of Object.entries(actionStep.env)) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expression)![1]!;
    env[name] = inputs[input] ?? action.inputs[input]!.default;
  }
  return env;
}

export interface ProcessRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with only the given environment. Asynchronous, so a server in the test worker keeps
 * answering; killed after `timeoutMs`, so a hung npm fails the test instead of stalling the suite.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ProcessRun> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Runs the step's script as the runner runs a `shell: bash` step, in `cwd` (the workspace). */
export function runActionScript(options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ProcessRun> {
  return runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', actionStep.run], options);
}
