import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTree } from './support/tree.js';

interface ActionStep {
  shell: string;
  env: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { description: string; default: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as Action;
const step = action.runs.steps[0]!;

/** Runs the action's script as the runner would, with `npx` replaced by a stub that prints its arguments. */
function runAction(inputs: Record<string, string>): { status: number | null; args: string[]; stdout: string } {
  const bin = makeTree({ npx: '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n' });
  chmodSync(join(bin, 'npx'), 0o755);
  const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH ?? ''}` };
  for (const [name, expression] of Object.entries(step.env)) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expression)![1]!;
    env[name] = inputs[input] ?? action.inputs[input]!.default;
  }
  const run = spawnSync('bash', ['-c', step.run], { env, encoding: 'utf8' });
  const lines = run.stdout.split('\n').filter(Boolean);
  return { status: run.status, args: lines.slice(1), stdout: run.stdout };
}

describe('action.yml (composite GitHub Action)', () => {
  it('is a composite action whose every input reaches the script through the environment', () => {
    expect(action.runs.using).toBe('composite');
    expect(step.shell).toBe('bash');
    const used = Object.values(step.env).map((expression) => /inputs\.([\w-]+)/.exec(expression)![1]);
    expect(used.sort()).toEqual(Object.keys(action.inputs).sort());
    expect(step.run).not.toMatch(/\$\{\{/);
  });

  const cases: Array<{ name: string; inputs: Record<string, string>; args: string[] }> = [
    { name: 'defaults', inputs: {}, args: ['.', '--format', 'text', '--fail-on', 'error'] },
    {
      name: 'report files and a stricter gate',
      inputs: { path: 'services/api', 'fail-on': 'warn', 'sarif-file': 'out/o.sarif', 'junit-file': 'out/o.xml' },
      args: ['services/api', '--format', 'text', '--fail-on', 'warn', '--report', 'sarif=out/o.sarif', '--report', 'junit=out/o.xml'],
    },
    { name: 'remote: required', inputs: { remote: 'required' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--require-remote'] },
    { name: 'remote: offline', inputs: { remote: 'offline' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--offline'] },
    { name: 'remote: no-spend', inputs: { remote: 'no-spend' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--no-spend'] },
    { name: 'extra args, split on spaces', inputs: { args: '--skip https-only  --config ci/o.yml' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--skip', 'https-only', '--config', 'ci/o.yml'] },
    { name: 'an input with shell syntax stays one argument', inputs: { path: '"; touch pwned; echo "' }, args: ['"; touch pwned; echo "', '--format', 'text', '--fail-on', 'error'] },
  ];
  it.each(cases)('$name', ({ inputs, args }) => {
    const run = runAction(inputs);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('--yes');
    expect(run.args).toEqual([`openrouter-check@latest`, ...args]);
  });

  it('refuses an unknown remote mode with an annotation and exit 2', () => {
    const run = runAction({ remote: 'sometimes' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('::error title=openrouter-check::remote must be auto, required, offline or no-spend (got "sometimes")\n');
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('audits the staged files without the network, as a node hook', () => {
    const hooks = parse(readFileSync(new URL('../.pre-commit-hooks.yaml', import.meta.url), 'utf8')) as Array<Record<string, unknown>>;
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'openrouter-check', language: 'node', entry: 'openrouter-check --staged --offline --quiet', pass_filenames: false }),
    ]);
  });
});
