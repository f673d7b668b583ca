import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runProcess } from './process.js';
import type { ProcessRun } from './process.js';

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

/** Runs the step's script as the runner runs a `shell: bash` step, in `cwd` (the workspace). */
export function runActionScript(options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ProcessRun> {
  return runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', actionStep.run], options);
}
