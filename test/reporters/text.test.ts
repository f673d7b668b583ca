import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import type { RenderOptions } from '../../src/reporters/index.js';
import { render } from '../../src/reporters/index.js';
import { renderText, sourceExcerpt } from '../../src/reporters/text.js';
import { maskKey } from '../../src/workspace/secrets.js';
import { expectGolden } from '../support/golden.js';
import {
  failingReport,
  leakedKeyLineOf,
  leakedKeyReport,
  passingReport,
  requiredRemoteReport,
  sampleLineOf,
  sampleOptions,
  SAMPLE_REAL_FORMAT_KEY,
  warningReport,
} from '../support/sample-reports.js';

const ANSI_ESCAPE = /\u001b\[/;
const ANSI_SEQUENCES = /\u001b\[[0-9;]*m/g;

const GOLDEN_CASES: { golden: string; report: Report; options: RenderOptions }[] = [
  { golden: 'failing.text', report: failingReport, options: sampleOptions() },
  { golden: 'failing-quiet.text', report: failingReport, options: sampleOptions({ quiet: true }) },
  { golden: 'failing-lines.text', report: failingReport, options: sampleOptions({ lineOf: sampleLineOf }) },
  { golden: 'failing-verbose.text', report: failingReport, options: sampleOptions({ verbose: true, lineOf: sampleLineOf }) },
  { golden: 'failing-quiet-verbose.text', report: failingReport, options: sampleOptions({ quiet: true, verbose: true, lineOf: sampleLineOf }) },
  { golden: 'passing.text', report: passingReport, options: sampleOptions() },
  { golden: 'passing-quiet.text', report: passingReport, options: sampleOptions({ quiet: true }) },
  { golden: 'passing-verbose.text', report: passingReport, options: sampleOptions({ verbose: true }) },
  { golden: 'warning.text', report: warningReport, options: sampleOptions() },
  { golden: 'warning-lines.text', report: warningReport, options: sampleOptions({ lineOf: sampleLineOf }) },
  { golden: 'warning-quiet.text', report: warningReport, options: sampleOptions({ quiet: true }) },
  { golden: 'fail-on-warn.text', report: warningReport, options: sampleOptions({ failOn: 'warn' }) },
  { golden: 'fail-on-warn-quiet.text', report: warningReport, options: sampleOptions({ quiet: true, failOn: 'warn' }) },
  { golden: 'leaked-key-lines.text', report: leakedKeyReport, options: sampleOptions({ lineOf: leakedKeyLineOf }) },
  { golden: 'required-remote.text', report: requiredRemoteReport, options: sampleOptions() },
];

/** One coloured golden, so a change of colours shows in a diff too. */
const COLOURED_GOLDEN = { golden: 'failing-lines.color.text', report: failingReport, options: sampleOptions({ color: true, lineOf: sampleLineOf }) };

/** The lines of a rendered report. */
function linesOf(output: string): string[] {
  return output.split('\n');
}

describe('renderText', () => {
  it.each(GOLDEN_CASES)('$golden matches its golden file', ({ golden, report, options }) => {
    expectGolden(golden, renderText(report, options));
  });

  it.each(GOLDEN_CASES)('$golden has no ANSI escape without colour', ({ report, options }) => {
    expect(renderText(report, options)).not.toMatch(ANSI_ESCAPE);
  });

  it('matches its coloured golden file', () => {
    expectGolden(COLOURED_GOLDEN.golden, renderText(COLOURED_GOLDEN.report, COLOURED_GOLDEN.options));
  });

  it.each(GOLDEN_CASES)('$golden says the same thing in colour', ({ report, options }) => {
    const coloured = renderText(report, { ...options, color: true });
    expect(coloured).toMatch(ANSI_ESCAPE);
    expect(coloured.replace(ANSI_SEQUENCES, '')).toBe(renderText(report, options));
  });

  it('ends with the verdict, then exactly the summary line, `errored` only when something errored', () => {
    expect(
      renderText(failingReport, sampleOptions()).endsWith(
        '\n\n✖ not ready: 3 checks failed, 1 check could not run\n2 passed, 3 failed, 1 warned, 1 skipped, 1 errored\n',
      ),
    ).toBe(true);
    expect(renderText(passingReport, sampleOptions()).endsWith('\n\n✔ ready\n6 passed, 0 failed, 0 warned, 2 skipped\n')).toBe(true);
    expect(
      renderText(passingReport, sampleOptions({ verbose: true })).endsWith('\nfinished in 1187 ms\n✔ ready\n6 passed, 0 failed, 0 warned, 2 skipped\n'),
    ).toBe(true);
  });

  it('the verdict agrees with --fail-on: warnings are ready by default, not ready under --fail-on warn', () => {
    expect(linesOf(renderText(warningReport, sampleOptions())).at(-3)).toBe('⚠ ready, with warnings (remote checks did not run)');
    expect(linesOf(renderText(warningReport, sampleOptions({ failOn: 'warn' }))).at(-3)).toBe('✖ not ready: 1 check warned (--fail-on warn)');
  });

  it('under --quiet, keeps only what fails the run and the summary: no header, excerpts or verdict', () => {
    const quiet = renderText(failingReport, sampleOptions({ quiet: true, lineOf: sampleLineOf }));
    expect(quiet).not.toContain('not ready');
    expect(quiet).not.toContain('remote checks:');
    expect(quiet).not.toContain('^');
    expect(linesOf(quiet).at(-2)).toBe('2 passed, 3 failed, 1 warned, 1 skipped, 1 errored');
  });

  it('says whether the remote checks ran, against which host, and why not when they share one reason', () => {
    const remoteLine = (report: Report): string | undefined => linesOf(renderText(report, sampleOptions())).find((line) => line.startsWith('remote checks:'));
    expect(remoteLine(failingReport)).toBe('remote checks: 4 ran against openrouter.ai, 1 skipped — no fallback models configured (models.fallbacks)');
    expect(remoteLine(passingReport)).toBe('remote checks: 3 ran against openrouter.ai, 2 skipped — --no-spend: this check spends credits');
    expect(remoteLine(warningReport)).toBe('remote checks: skipped — no API key (set OPENROUTER_API_KEY)');
    expect(remoteLine(requiredRemoteReport)).toMatch(/^remote checks: all 5 failed — no API key: set OPENROUTER_API_KEY/);
    const mixed: Report = {
      ...warningReport,
      checks: warningReport.checks.map((check) => (check.id === 'auth' ? { ...check, message: 'skipped by --skip' } : check)),
    };
    expect(remoteLine(mixed)).toBe('remote checks: all 5 skipped');
    const ranAll: Report = { ...passingReport, checks: passingReport.checks.filter((check) => check.status !== 'skip') };
    expect(remoteLine(ranAll)).toBe('remote checks: 3 ran against openrouter.ai');
    const elsewhere: Report = { ...ranAll, remote: { host: 'gateway.example.com:8443', baseUrl: 'https://gateway.example.com:8443/v1' } };
    expect(remoteLine(elsewhere)).toBe('remote checks: 3 ran against gateway.example.com:8443');
    const { remote: _unknown, ...hostUnknown } = ranAll;
    expect(remoteLine(hostUnknown)).toBe('remote checks: 3 ran');
    const staticOnly: Report = { ...passingReport, checks: passingReport.checks.filter((check) => check.kind === 'static') };
    expect(remoteLine(staticOnly)).toBeUndefined();
  });

  it('shows each check’s duration and the run’s under verbose, none for a check that did not run', () => {
    const lines = linesOf(renderText(failingReport, sampleOptions({ verbose: true })));
    expect(lines.find((line) => line.includes('max-tokens '))).toMatch(/ \(412 ms\)$/);
    expect(lines.find((line) => line.includes('test-completion '))).toMatch(/ \(5003 ms\)$/);
    expect(lines.find((line) => line.includes('fallback-reachability '))).not.toMatch(/ms\)$/);
    expect(lines).toContain('finished in 1834 ms');
    expect(renderText(failingReport, sampleOptions())).not.toMatch(/ \d+ ms\)?$/m);
  });

  it('quotes the snippet under a finding without lineOf, and the real line with a caret under the column with it', () => {
    const plain = linesOf(renderText(failingReport, sampleOptions()));
    const at = plain.indexOf('    src/chat.ts:18:24  chat.completions.create() has no max_tokens: one long answer can cost dollars');
    expect(plain[at + 1]).toBe('      const reply = await client.chat.completions.create({ model, messages });');
    expect(plain[at + 2]).not.toMatch(/\^/);

    const withLines = linesOf(renderText(failingReport, sampleOptions({ lineOf: sampleLineOf })));
    const index = withLines.indexOf('    src/chat.ts:18:24  chat.completions.create() has no max_tokens: one long answer can cost dollars');
    expect(withLines[index + 1]).toBe('      const reply = await client.chat.completions.create({ model, messages });');
    expect(withLines[index + 2]).toBe(`      ${' '.repeat('const reply = await '.length)}^`);
  });

  it('falls back to the snippet when lineOf does not know the file, or gives a line the snippet does not match', () => {
    const changed = (file: string, line: number): string | undefined =>
      file === 'src/chat.ts' && line === 18 ? '  something else entirely' : sampleLineOf(file, line);
    const lines = linesOf(renderText(failingReport, sampleOptions({ lineOf: changed })));
    const at = lines.findIndex((line) => line.startsWith('    src/chat.ts:18:24'));
    expect(lines[at + 1]).toBe('      const reply = await client.chat.completions.create({ model, messages });');
    expect(lines[at + 2]).not.toMatch(/\^/);
    const config = lines.findIndex((line) => line.startsWith('    src/config.ts:4:22'));
    expect(lines[config + 1]).toBe('      const apiKey = "sk-or-v1-abcd…wxyz";');
    expect(lines[config + 2]).toMatch(/^ {4}fix: /);
  });

  it('never prints a key from the audited line: the caret view masks it, windows the long line and points at the masked key', () => {
    const output = renderText(leakedKeyReport, sampleOptions({ lineOf: leakedKeyLineOf }));
    expect(output).not.toContain(SAMPLE_REAL_FORMAT_KEY);
    expect(output).not.toContain(SAMPLE_REAL_FORMAT_KEY.slice(9, 30));
    const lines = linesOf(output);
    const at = lines.findIndex((line) => line.startsWith('    src/clients.ts:12:'));
    const excerpt = lines[at + 1]!;
    const caret = lines[at + 2]!;
    expect(excerpt).toContain(`apiKey: "${maskKey(SAMPLE_REAL_FORMAT_KEY)}"`);
    expect(excerpt.startsWith('      …')).toBe(true);
    expect(excerpt.length - 6).toBeLessThanOrEqual(120);
    expect(caret.trimStart()).toBe('^');
    expect(excerpt.slice(caret.length - 1)).toMatch(/^sk-or-v1-/);
    // The same with colour: the escape codes must not split the key's mask or move the caret.
    const coloured = renderText(leakedKeyReport, sampleOptions({ color: true, lineOf: leakedKeyLineOf }));
    expect(coloured).not.toContain(SAMPLE_REAL_FORMAT_KEY);
  });

  it('strips control characters from the audited line before quoting it', () => {
    const hostile = '  call(\u001b[2J\u0007x, "\u202eevil")';
    const report: Report = {
      ...passingReport,
      checks: [
        {
          ...passingReport.checks[2]!,
          status: 'fail',
          message: '1 error',
          findings: [{ message: 'no cap', severity: 'error', file: 'a.ts', line: 1, column: 3, snippet: hostile.trim() }],
        },
      ],
    };
    const output = renderText(report, sampleOptions({ lineOf: () => hostile }));
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(output).toContain('      call([2Jx, "evil")\n      ^\n');
  });

  it('quotes no code for a finding without a snippet, even when the line is at hand (its check chose not to quote the file)', () => {
    const report: Report = {
      ...passingReport,
      checks: [
        {
          ...passingReport.checks[2]!,
          status: 'fail',
          message: '1 error',
          findings: [{ message: '.env is tracked by git', severity: 'error', file: '.env', line: 1, column: 1 }],
        },
      ],
    };
    const output = renderText(report, sampleOptions({ lineOf: () => 'DATABASE_PASSWORD=hunter2' }));
    expect(output).toContain('.env:1:1  .env is tracked by git');
    expect(output).not.toContain('hunter2');
  });

  it('groups checks by category in security, cost, reliability, availability order', () => {
    const headings = linesOf(renderText(failingReport, sampleOptions())).filter((line) => /^[A-Z]/.test(line));
    expect(headings).toEqual(['Security', 'Cost', 'Reliability', 'Availability']);
  });

  it('keeps every check of an unknown category (a plugin typo) in a group at the end', () => {
    const odd = { ...passingReport, checks: [{ ...passingReport.checks[0]!, id: 'plugin-check', category: 'privacy' as never }, ...passingReport.checks] };
    const lines = linesOf(renderText(odd, sampleOptions()));
    expect(lines.filter((line) => /^[A-Z]/.test(line)).at(-1)).toBe('Privacy');
    expect(lines.some((line) => line.includes('plugin-check'))).toBe(true);
  });

  it('names at most 10 skipped files, then counts the rest', () => {
    const skipped = Array.from({ length: 13 }, (_, index) => ({ file: `data/dump-${index}.json`, reason: 'too-large' as const }));
    const report: Report = {
      ...passingReport,
      workspace: { filesScanned: 5, filesSkipped: { binary: 0, 'too-large': 13, unreadable: 0, symlink: 0 }, skipped },
    };
    const lines = linesOf(renderText(report, sampleOptions()));
    expect(lines[1]).toBe('5 files scanned, 13 skipped (13 over the size limit)');
    expect(lines.filter((line) => line.startsWith('  skipped: '))).toHaveLength(10);
    expect(lines[12]).toBe('  … and 3 more');
  });

  it('strips control characters and lone surrogates from untrusted text', () => {
    const output = renderText(failingReport, sampleOptions());
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(output).not.toMatch(/\p{Surrogate}/u);
    expect(output).toContain('upstream timed out <retry later> & "');
  });

  it('is what render("text") returns', () => {
    const options = sampleOptions({ quiet: true, failOn: 'warn' });
    expect(render('text', warningReport, options)).toBe(renderText(warningReport, options));
  });
});

describe('sourceExcerpt', () => {
  it.each([
    { name: 'spaces', line: '    foo(bar)', column: 9, text: 'foo(bar)', caret: 4 },
    { name: 'tabs, expanded to 4 columns', line: '\tx\t= y', column: 4, text: 'x   = y', caret: 4 },
    { name: 'a column at the end of the line', line: '  foo(', column: 7, text: 'foo(', caret: 4 },
    { name: 'trailing spaces, trimmed', line: 'a = 1;   ', column: 1, text: 'a = 1;', caret: 0 },
    { name: 'an astral character counts once', line: '"𝒳" + y', column: 8, text: '"𝒳" + y', caret: 6 },
    { name: 'CJK is two columns wide', line: '"名前" + y', column: 8, text: '"名前" + y', caret: 9 },
    { name: 'a combining mark takes no column', line: '"e\u0301" + y', column: 8, text: '"e\u0301" + y', caret: 6 },
    { name: 'control characters take none', line: 'a\u0007b\u001bc', column: 5, text: 'abc', caret: 2 },
  ])('$name', ({ line, column, text, caret }) => {
    expect(sourceExcerpt(line, column)).toEqual({ text, caret });
  });

  it('leaves the caret out when an emoji before it may be one or two columns wide', () => {
    expect(sourceExcerpt('"🚀" + y', 8)).toEqual({ text: '"🚀" + y' });
    expect(sourceExcerpt('y + "🚀"', 1)).toEqual({ text: 'y + "🚀"', caret: 0 });
  });

  it('leaves the caret out for a column inside the indentation', () => {
    expect(sourceExcerpt('    foo', 2)).toEqual({ text: 'foo' });
  });

  it('windows a long line around the column, with … on each cut side', () => {
    // Not hex: a run of 32 hex digits would be masked.
    const line = `${'w'.repeat(200)}X${'z'.repeat(200)}`;
    const { text, caret } = sourceExcerpt(line, 201);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text.startsWith('…w')).toBe(true);
    expect(text.endsWith('z…')).toBe(true);
    expect(text[caret!]).toBe('X');
    const start = sourceExcerpt(line, 1);
    expect(start.text.startsWith('w')).toBe(true);
    expect(start.text.endsWith('…')).toBe(true);
    expect(start.caret).toBe(0);
    const end = sourceExcerpt(line, line.length + 1);
    expect(end.text.startsWith('…')).toBe(true);
    expect(end.text.endsWith('z')).toBe(true);
    expect(end.caret).toBe(end.text.length);
  });

  it('lays out only the part of a huge line near the column, never cutting a key in two', () => {
    const key = SAMPLE_REAL_FORMAT_KEY;
    const padding = 'x'.repeat(500_000);
    // The key starts just before the laid-out part begins (1000 units before the column). The emoji
    // at the start, of a width terminals disagree on, would take the caret away were it laid out.
    const line = `🙂${padding}"${key}"${'y'.repeat(1000 - key.length + 20)}Z${padding}`;
    const column = line.indexOf('Z') + 1;
    const { text, caret } = sourceExcerpt(line, column);
    expect(text).not.toContain(key.slice(9, 20));
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text[caret!]).toBe('Z');
    const atKey = sourceExcerpt(line, line.indexOf(key) + 1);
    expect(atKey.text).toContain(maskKey(key));
    expect(atKey.text.slice(atKey.caret!)).toMatch(/^sk-or-v1-/);
  });

  it('masks a key, points a column inside it at the mask, and moves later columns by the difference', () => {
    const key = SAMPLE_REAL_FORMAT_KEY;
    const line = `k = "${key}"; z`;
    expect(sourceExcerpt(line, 6)).toEqual({ text: `k = "${maskKey(key)}"; z`, caret: 5 });
    expect(sourceExcerpt(line, 30)).toEqual({ text: `k = "${maskKey(key)}"; z`, caret: 5 });
    expect(sourceExcerpt(line, line.length)).toEqual({ text: `k = "${maskKey(key)}"; z`, caret: `k = "${maskKey(key)}"; `.length });
  });
});
