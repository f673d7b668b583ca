import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report.js';
import type { RenderOptions } from '../../src/reporters/index.js';
import { render } from '../../src/reporters/index.js';
import { renderText } from '../../src/reporters/text.js';
import { expectGolden } from '../support/golden.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

const ANSI_ESCAPE = /\u001b\[/;

const GOLDEN_CASES: { golden: string; report: Report; options: RenderOptions }[] = [
  { golden: 'failing.text', report: failingReport, options: sampleOptions() },
  { golden: 'failing-quiet.text', report: failingReport, options: sampleOptions({ quiet: true }) },
  { golden: 'passing.text', report: passingReport, options: sampleOptions() },
  { golden: 'passing-quiet.text', report: passingReport, options: sampleOptions({ quiet: true }) },
  { golden: 'warning.text', report: warningReport, options: sampleOptions() },
  { golden: 'warning-quiet.text', report: warningReport, options: sampleOptions({ quiet: true }) },
  { golden: 'fail-on-warn-quiet.text', report: warningReport, options: sampleOptions({ quiet: true, failOn: 'warn' }) },
];

describe('renderText', () => {
  it.each(GOLDEN_CASES)('$golden matches its golden file', ({ golden, report, options }) => {
    expectGolden(golden, renderText(report, options));
  });

  it.each(GOLDEN_CASES)('$golden has no ANSI escape without colour', ({ report, options }) => {
    expect(renderText(report, options)).not.toMatch(ANSI_ESCAPE);
  });

  it('colours its output when asked, and says the same thing', () => {
    const coloured = renderText(failingReport, sampleOptions({ color: true }));
    expect(coloured).toMatch(ANSI_ESCAPE);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderText(failingReport, sampleOptions()));
  });

  it('ends with exactly the summary line, `errored` only when something errored', () => {
    expect(renderText(failingReport, sampleOptions()).endsWith('\n\n2 passed, 3 failed, 1 warned, 1 skipped, 1 errored\n')).toBe(true);
    expect(renderText(passingReport, sampleOptions()).endsWith('\n\n6 passed, 0 failed, 0 warned, 2 skipped\n')).toBe(true);
  });

  it('groups checks by category in security, cost, reliability, availability order', () => {
    const headings = renderText(failingReport, sampleOptions()).split('\n').filter((line) => /^[A-Z]/.test(line));
    expect(headings).toEqual(['Security', 'Cost', 'Reliability', 'Availability']);
  });

  it('keeps every check of an unknown category (a plugin typo) in a group at the end', () => {
    const odd = { ...passingReport, checks: [{ ...passingReport.checks[0]!, id: 'plugin-check', category: 'privacy' as never }, ...passingReport.checks] };
    const lines = renderText(odd, sampleOptions()).split('\n');
    expect(lines.filter((line) => /^[A-Z]/.test(line)).at(-1)).toBe('Privacy');
    expect(lines.some((line) => line.includes('plugin-check'))).toBe(true);
  });

  it('names at most 10 skipped files, then counts the rest', () => {
    const skipped = Array.from({ length: 13 }, (_, index) => ({ file: `data/dump-${index}.json`, reason: 'too-large' as const }));
    const report: Report = {
      ...passingReport,
      workspace: { filesScanned: 5, filesSkipped: { binary: 0, 'too-large': 13, unreadable: 0, symlink: 0 }, skipped },
    };
    const lines = renderText(report, sampleOptions()).split('\n');
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
