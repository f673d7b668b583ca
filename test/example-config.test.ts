import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { materializeFixture } from './support/fixtures.js';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../.openrouter-check.yml.example', import.meta.url));

/** A JSON report's checks without their timings, which differ from run to run. */
function checksOf(stdout: string): unknown[] {
  const report = JSON.parse(stdout) as { checks: Record<string, unknown>[] };
  return report.checks.map(({ durationMs: _durationMs, ...check }) => check);
}

describe('.openrouter-check.yml.example, copied into a project as it is', () => {
  it('changes nothing: the same checks, statuses and findings as without a config file', async () => {
    const { root } = materializeFixture('leaky-app');
    const without = await runCli([root, '--format', 'json', '--offline']);
    copyFileSync(EXAMPLE_CONFIG, join(root, '.openrouter-check.yml'));
    const withCopy = await runCli([root, '--format', 'json', '--offline']);

    expect(without.status).toBe(1);
    expect(withCopy.stderr).toBe('');
    expect(withCopy.status).toBe(without.status);
    expect(checksOf(withCopy.stdout)).toEqual(checksOf(without.stdout));
  });
});
