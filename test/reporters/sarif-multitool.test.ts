import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIRECTORY } from '../support/golden.js';
import { CLI_HANG_LIMIT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';

// The package's main export is the path of the platform's binary; its npm bin wrapper goes through
// a shell, which would split the `;`-separated lists the tool takes.
const MULTITOOL = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;

interface ValidationLog {
  runs: Array<{ results?: Array<{ ruleId: string; level?: string; message: { text?: string } }> }>;
}

describe('SARIF against @microsoft/sarif-multitool validate', () => {
  it('the golden SARIF reports raise no error or warning', () => {
    const out = join(makeTree({}), 'validation.sarif');
    const files = ['failing.sarif', 'passing.sarif', 'warning.sarif'].map((name) => new URL(name, GOLDEN_DIRECTORY).pathname);
    // Levels error and warning: notes are style suggestions (e.g. "prefer message strings").
    execFileSync(MULTITOOL, ['validate', ...files, '--output', out, '--level', 'Error;Warning', '--log', 'ForceOverwrite'], {
      stdio: 'pipe',
      timeout: CLI_HANG_LIMIT_MS,
    });
    const log = JSON.parse(readFileSync(out, 'utf8')) as ValidationLog;
    const problems = log.runs.flatMap((run) => run.results ?? []).map((result) => `${result.ruleId}: ${result.message.text ?? ''}`);
    expect(problems).toEqual([]);
  });
});
