import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/sample-output.mjs', import.meta.url));
const START = '<!-- sample-output:start -->\n';
const END = '\n<!-- sample-output:end -->';

describe("the README's sample output", () => {
  it('is what scripts/sample-output.mjs makes from the built CLI today (npm run sample-output rewrites it)', () => {
    if (!existsSync(new URL('../dist/cli.js', import.meta.url))) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme.indexOf(START), 'the sample-output markers').toBeGreaterThan(-1);
    const inReadme = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));

    const run = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(inReadme, 'the README sample is stale: run `npm run build && npm run sample-output`').toBe(run.stdout.trimEnd());
  });

  it('shows a failing audit that ends in exit code 1, with every key masked', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const sample = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));
    expect(sample).toMatch(/^```console\n\$ openrouter-check\nopenrouter-check \d+\.\d+\.\d+ · \/home\/me\/acme-chat\n/);
    expect(sample).toMatch(/\n✖ not ready: \d+ checks? failed\n\d+ passed, \d+ failed, \d+ warned, \d+ skipped\n\$ echo \$\?\n1\n```$/);
    expect(sample).toMatch(/OpenRouter key sk-or-v1-[0-9a-f]{4}…[0-9a-f]{4} is hardcoded/);
    expect(sample).not.toMatch(/[0-9a-f]{32}/);
  });
});
