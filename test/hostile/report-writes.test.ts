import { lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';
import { STACK_FRAME } from './support/audit.js';

// The checkout is the pull request author's: symlinks committed in it must not turn the CI step's
// report files into writes elsewhere. Each case audits the checkout from inside it, as CI does.

/** A checkout with one clean source file, and beside it a file a report must never reach. */
function checkoutAndVictim(): { checkout: string; outside: string; victim: string } {
  const tree = makeTree({
    'checkout/src/app.ts': 'export const greeting = "hello";\n',
    'outside/victim': 'secret\n',
  });
  return { checkout: join(tree, 'checkout'), outside: join(tree, 'outside'), victim: join(tree, 'outside', 'victim') };
}

describe('report files the checkout plants symlinks for', () => {
  it("--report to a committed symlink: exit 2, one line, nothing written anywhere, the link's target unchanged", async () => {
    const { checkout, victim } = checkoutAndVictim();
    mkdirSync(join(checkout, 'reports'));
    symlinkSync(victim, join(checkout, 'reports/junit.xml'));

    const run = await runCli(['.', '--offline', '--report', 'json=reports/report.json', '--report', 'junit=reports/junit.xml'], { cwd: checkout });

    expect(run.stderr).toBe('error: --report: refusing to write "reports/junit.xml": it is a symbolic link\n');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');
    // The other report is not written either: a run with a refused report writes none.
    expect(readdirSync(join(checkout, 'reports'))).toEqual(['junit.xml']);
    expect(lstatSync(join(checkout, 'reports/junit.xml')).isSymbolicLink()).toBe(true);
  });

  it('--report into a committed folder symlink (reports -> a folder outside): refused, nothing created there', async () => {
    const { checkout, outside } = checkoutAndVictim();
    symlinkSync(outside, join(checkout, 'reports'));

    const run = await runCli(['.', '--offline', '--report', 'junit=reports/junit.xml'], { cwd: checkout });

    expect(run.stderr).toBe('error: --report: refusing to write "reports/junit.xml": folder "reports" is a symbolic link\n');
    expect(run.status).toBe(2);
    expect(readdirSync(outside)).toEqual(['victim']);
  });

  it('--write-baseline to a committed symlink: refused the same way', async () => {
    const { checkout, victim } = checkoutAndVictim();
    symlinkSync(victim, join(checkout, '.openrouter-baseline.json'));

    const run = await runCli(['.', '--offline', '--write-baseline', '.openrouter-baseline.json'], { cwd: checkout });

    expect(run.stderr).toBe('error: --write-baseline: refusing to write ".openrouter-baseline.json": it is a symbolic link\n');
    expect(run.status).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');
  });

  it('a symlink planted at the old predictable temporary name (.junit.xml.<pid>.tmp) redirects nothing', async () => {
    const { checkout, outside } = checkoutAndVictim();
    mkdirSync(join(checkout, 'reports'));
    // Planted as soon as the run's pid is known, long before it gets to writing reports (as a
    // concurrent job on a shared runner could); the usual guesses are planted ahead.
    const planted = ['.junit.xml.tmp', 'junit.xml.tmp', '.junit.xml.1.tmp'];
    for (const name of planted) symlinkSync(join(outside, 'victim'), join(checkout, 'reports', name));
    const plant = (pid: number): void => {
      planted.push(`.junit.xml.${pid}.tmp`);
      symlinkSync(join(outside, 'victim'), join(checkout, 'reports', `.junit.xml.${pid}.tmp`));
    };

    const run = await runCli(['.', '--offline', '--report', 'junit=reports/junit.xml'], { cwd: checkout, onSpawn: plant });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('secret\n');
    expect(readFileSync(join(checkout, 'reports/junit.xml'), 'utf8')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(readdirSync(join(checkout, 'reports')).sort()).toEqual([...planted, 'junit.xml'].sort());
  });

  it('a report over an existing regular file replaces it and leaves no temporary file', async () => {
    const { checkout } = checkoutAndVictim();
    mkdirSync(join(checkout, 'reports'));
    writeFileSync(join(checkout, 'reports/report.json'), 'yesterday\n');

    const run = await runCli(['.', '--offline', '--report', 'json=reports/report.json'], { cwd: checkout });

    expect(run.status).toBe(0);
    expect((JSON.parse(readFileSync(join(checkout, 'reports/report.json'), 'utf8')) as { schemaVersion: number }).schemaVersion).toBe(1);
    expect(readdirSync(join(checkout, 'reports'))).toEqual(['report.json']);
  });
});

describe('the GitHub step summary', () => {
  it('a symlink there is refused with a warning; the verdict and the exit code stay what they are', async () => {
    const { checkout, victim } = checkoutAndVictim();
    const summaryLink = join(checkout, '..', 'step_summary');
    symlinkSync(victim, summaryLink);
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryLink };

    const withLink = await runCli(['.', '--offline'], { cwd: checkout, env });
    const summaryFile = join(checkout, '..', 'real_step_summary');
    const plain = await runCli(['.', '--offline'], { cwd: checkout, env: { ...env, GITHUB_STEP_SUMMARY: summaryFile } });

    expect(withLink.stderr).toBe(`warning: GitHub step summary: refusing to write "${summaryLink}": it is a symbolic link\n`);
    expect(withLink.stderr).not.toMatch(STACK_FRAME);
    expect(withLink.status).toBe(plain.status);
    expect(withLink.stdout).toBe(plain.stdout);
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');
    expect(plain.stderr).toBe('');
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/^## openrouter-check: /);
  });
});
