import * as fs from 'node:fs';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendStepSummary, refusalOf, writeReportFile } from '../src/cli/report-file.js';
import { makeTree } from './support/tree.js';

// The file system is real; only openSync is watched (passed through), to see the temporary names.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, openSync: vi.fn(actual.openSync) };
});

const openedPaths = (): string[] => vi.mocked(fs.openSync).mock.calls.map(([path]) => String(path));

afterEach(() => {
  vi.mocked(fs.openSync).mockClear();
});

/** A checkout (the working directory) and, beside it, a folder the CI user can write but a report must never reach. */
function checkoutAndVictim(): { checkout: string; outside: string; victim: string } {
  const tree = makeTree({ 'checkout/README.md': 'app\n', 'outside/victim': 'secret\n' });
  return { checkout: join(tree, 'checkout'), outside: join(tree, 'outside'), victim: join(tree, 'outside', 'victim') };
}

describe('writeReportFile', () => {
  it('writes the content, creates missing folders, and leaves no temporary file behind', () => {
    const { checkout } = checkoutAndVictim();
    expect(writeReportFile('reports/ci/junit.xml', '<testsuites/>\n', { cwd: checkout })).toEqual({ ok: true });
    expect(readFileSync(join(checkout, 'reports/ci/junit.xml'), 'utf8')).toBe('<testsuites/>\n');
    expect(readdirSync(join(checkout, 'reports/ci'))).toEqual(['junit.xml']);
  });

  it('replaces an existing regular file', () => {
    const { checkout } = checkoutAndVictim();
    writeFileSync(join(checkout, 'report.json'), 'an old, longer report\n');
    expect(writeReportFile('report.json', '{}\n', { cwd: checkout })).toEqual({ ok: true });
    expect(readFileSync(join(checkout, 'report.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(checkout).sort()).toEqual(['README.md', 'report.json']);
  });

  it('refuses a target that is a symbolic link: the file it points at is unchanged, the link stays', () => {
    const { checkout, victim } = checkoutAndVictim();
    mkdirSync(join(checkout, 'reports'));
    symlinkSync(victim, join(checkout, 'reports/junit.xml'));
    expect(writeReportFile('reports/junit.xml', '<pwned/>', { cwd: checkout })).toEqual({
      ok: false,
      error: 'refusing to write "reports/junit.xml": it is a symbolic link',
    });
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');
    expect(fs.lstatSync(join(checkout, 'reports/junit.xml')).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(checkout, 'reports'))).toEqual(['junit.xml']);
  });

  it('refuses a dangling symbolic link too (it would create the file it names)', () => {
    const { checkout, outside } = checkoutAndVictim();
    symlinkSync(join(outside, 'created-by-the-report'), join(checkout, 'junit.xml'));
    expect(writeReportFile('junit.xml', '<pwned/>', { cwd: checkout })).toMatchObject({ ok: false });
    expect(readdirSync(outside)).toEqual(['victim']);
  });

  it('refuses a folder on the path below the working directory that is a symbolic link (reports -> ~/.ssh)', () => {
    const { checkout, outside } = checkoutAndVictim();
    symlinkSync(outside, join(checkout, 'reports'));
    expect(writeReportFile('reports/junit.xml', '<pwned/>', { cwd: checkout })).toEqual({
      ok: false,
      error: 'refusing to write "reports/junit.xml": folder "reports" is a symbolic link',
    });
    mkdirSync(join(checkout, 'ci'));
    symlinkSync(outside, join(checkout, 'ci/out'));
    expect(writeReportFile('ci/out/new/junit.xml', '<pwned/>', { cwd: checkout })).toEqual({
      ok: false,
      error: 'refusing to write "ci/out/new/junit.xml": folder "ci/out" is a symbolic link',
    });
    expect(readdirSync(outside)).toEqual(['victim']);
  });

  it("judges the path as written: `reports/../junit.xml` is the checkout's junit.xml, not a file beside the link's target", () => {
    const { checkout, outside } = checkoutAndVictim();
    symlinkSync(join(outside, 'victim'), join(checkout, 'reports'));
    expect(writeReportFile('reports/../junit.xml', '<testsuites/>\n', { cwd: checkout })).toEqual({ ok: true });
    expect(readFileSync(join(checkout, 'junit.xml'), 'utf8')).toBe('<testsuites/>\n');
    expect(readdirSync(outside)).toEqual(['victim']);
  });

  it('follows the folders at or above the working directory and outside it: the operator chose them', () => {
    const { checkout, outside } = checkoutAndVictim();
    const linkToOutside = join(checkout, '..', 'reports-link');
    symlinkSync(outside, linkToOutside);
    expect(writeReportFile(join(linkToOutside, 'report.json'), '{}\n', { cwd: checkout })).toEqual({ ok: true });
    expect(readFileSync(join(outside, 'report.json'), 'utf8')).toBe('{}\n');
  });

  it('a file where a folder should be is a clear error', () => {
    const { checkout } = checkoutAndVictim();
    expect(writeReportFile('README.md/junit.xml', '', { cwd: checkout })).toEqual({
      ok: false,
      error: 'refusing to write "README.md/junit.xml": "README.md" is not a folder',
    });
  });

  it('a folder that cannot be created is a system error with its code', () => {
    expect(writeReportFile('/proc/openrouter-check/report.json', '{}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cannot write "\/proc\/openrouter-check\/report\.json" \(E[A-Z]+\)$/),
    });
  });

  it('symlinks planted at predictable temporary names redirect nothing, and are left as they are', () => {
    const { checkout, outside } = checkoutAndVictim();
    mkdirSync(join(checkout, 'reports'));
    // The old scheme (.junit.xml.<pid>.tmp, for this pid and its neighbours) and other usual guesses.
    const guesses = [process.pid - 1, process.pid, process.pid + 1, 1].map((pid) => `.junit.xml.${pid}.tmp`);
    guesses.push('.junit.xml.tmp', 'junit.xml.tmp', 'junit.xml~', '.junit.xml.swp', 'junit.xml.new');
    for (const [index, name] of guesses.entries()) symlinkSync(join(outside, `victim-${index}`), join(checkout, 'reports', name));
    for (const [index] of guesses.entries()) writeFileSync(join(outside, `victim-${index}`), 'untouched\n');

    expect(writeReportFile('reports/junit.xml', '<testsuites/>\n', { cwd: checkout })).toEqual({ ok: true });

    expect(readFileSync(join(checkout, 'reports/junit.xml'), 'utf8')).toBe('<testsuites/>\n');
    for (const [index] of guesses.entries()) expect(readFileSync(join(outside, `victim-${index}`), 'utf8')).toBe('untouched\n');
    expect(readdirSync(join(checkout, 'reports')).sort()).toEqual([...guesses, 'junit.xml'].sort());
  });

  it('names its temporary file unpredictably: two writes of the same target use different names', () => {
    const { checkout } = checkoutAndVictim();
    writeReportFile('junit.xml', 'one', { cwd: checkout });
    writeReportFile('junit.xml', 'two', { cwd: checkout });
    const temporaries = openedPaths().map((path) => path.slice(checkout.length + 1));
    expect(temporaries).toHaveLength(2);
    for (const name of temporaries) expect(name).toMatch(/^\.junit\.xml\.[0-9a-f]{16}\.tmp$/);
    expect(temporaries[0]).not.toBe(temporaries[1]);
    expect(temporaries.join(' ')).not.toContain(String(process.pid));
  });

  it('opens the temporary file exclusively (O_EXCL) and without following a link (O_NOFOLLOW)', () => {
    const { checkout } = checkoutAndVictim();
    writeReportFile('junit.xml', 'one', { cwd: checkout });
    const flags = Number(vi.mocked(fs.openSync).mock.calls[0]![1]);
    expect(flags & fs.constants.O_CREAT).toBe(fs.constants.O_CREAT);
    expect(flags & fs.constants.O_EXCL).toBe(fs.constants.O_EXCL);
    if (process.platform !== 'win32') expect(flags & fs.constants.O_NOFOLLOW).toBe(fs.constants.O_NOFOLLOW);
  });

  it("keeps a long target name within the file system's limit for its temporary file", () => {
    const { checkout } = checkoutAndVictim();
    const name = `${'r'.repeat(240)}.xml`;
    expect(writeReportFile(name, 'x', { cwd: checkout })).toEqual({ ok: true });
    expect(readFileSync(join(checkout, name), 'utf8')).toBe('x');
  });
});

describe('refusalOf', () => {
  it('says what writeReportFile would refuse, without creating anything', () => {
    const { checkout, outside } = checkoutAndVictim();
    symlinkSync(outside, join(checkout, 'reports'));
    symlinkSync(join(outside, 'victim'), join(checkout, 'junit.xml'));
    expect(refusalOf('reports/a/b.xml', { cwd: checkout })).toBe('refusing to write "reports/a/b.xml": folder "reports" is a symbolic link');
    expect(refusalOf('junit.xml', { cwd: checkout })).toBe('refusing to write "junit.xml": it is a symbolic link');
    expect(refusalOf('new/deep/report.json', { cwd: checkout })).toBeUndefined();
    expect(refusalOf('README.md', { cwd: checkout })).toBeUndefined();
    expect(readdirSync(checkout).sort()).toEqual(['README.md', 'junit.xml', 'reports']);
  });

  it('names a file name with a line break on one line', () => {
    const { checkout, victim } = checkoutAndVictim();
    symlinkSync(victim, join(checkout, 'a\nb.xml'));
    expect(refusalOf('a\nb.xml', { cwd: checkout })).toBe('refusing to write "a b.xml": it is a symbolic link');
  });
});

describe('appendStepSummary', () => {
  it('appends to the file the runner made, keeping what earlier steps wrote', () => {
    const { outside } = checkoutAndVictim();
    const summary = join(outside, 'step_summary');
    writeFileSync(summary, '# earlier step\n');
    expect(appendStepSummary(summary, '## openrouter-check\n')).toEqual({ ok: true });
    expect(appendStepSummary(summary, '## again\n')).toEqual({ ok: true });
    expect(readFileSync(summary, 'utf8')).toBe('# earlier step\n## openrouter-check\n## again\n');
  });

  it('refuses a symbolic link, present or dangling, and writes nothing through it', () => {
    const { outside, victim } = checkoutAndVictim();
    symlinkSync(victim, join(outside, 'summary-link'));
    expect(appendStepSummary(join(outside, 'summary-link'), '## pwned\n')).toEqual({
      ok: false,
      error: `refusing to write "${join(outside, 'summary-link')}": it is a symbolic link`,
    });
    expect(readFileSync(victim, 'utf8')).toBe('secret\n');

    symlinkSync(join(outside, 'made-by-the-summary'), join(outside, 'dangling'));
    expect(appendStepSummary(join(outside, 'dangling'), '## pwned\n')).toMatchObject({ ok: false });
    expect(fs.existsSync(join(outside, 'made-by-the-summary'))).toBe(false);
  });
});
