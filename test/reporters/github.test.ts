import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { renderGithub } from '../../src/reporters/github.js';
import { renderStepSummary } from '../../src/reporters/step-summary.js';
import { expectGolden } from '../support/golden.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

/** A report with one check and the given finding. */
function reportWith(finding: Report['checks'][number]['findings'][number]): Report {
  const check = { ...passingReport.checks[0]!, status: 'fail' as const, findings: [finding] };
  return { ...passingReport, checks: [check] };
}

describe('renderGithub', () => {
  it.each([
    ['failing', failingReport],
    ['warning', warningReport],
  ] as const)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.github`, renderGithub(report, sampleOptions()));
  });

  it('prints nothing when there is nothing to annotate', () => {
    expect(renderGithub(passingReport, sampleOptions())).toBe('');
  });

  const escaping = [
    {
      name: 'a located finding',
      finding: { message: 'uncapped', severity: 'error' as const, file: 'src/a.ts', line: 3, column: 7 },
      line: `::error file=src/a.ts,line=3,col=7,title=openrouter-check ${passingReport.checks[0]!.id}::uncapped`,
    },
    {
      name: 'a remote finding, no file',
      finding: { message: 'no credit limit', severity: 'warn' as const },
      line: `::warning title=openrouter-check ${passingReport.checks[0]!.id}::no credit limit`,
    },
    {
      name: 'a message on one line with percent signs escaped; commas and colons in the file escaped',
      finding: { message: '100% sure\nsecond line', severity: 'error' as const, file: 'src/a,b:c.ts', line: 1, column: 1 },
      line: `::error file=src/a%2Cb%3Ac.ts,line=1,col=1,title=openrouter-check ${passingReport.checks[0]!.id}::100%25 sure second line`,
    },
  ];
  it.each(escaping)('$name', ({ finding, line }) => {
    expect(renderGithub(reportWith(finding), sampleOptions())).toBe(`${line}\n`);
  });

  it('under --fail-on warn a warning is an error annotation, as the exit code says', () => {
    const report = reportWith({ message: 'cannot verify', severity: 'warn', file: 'src/a.ts', line: 1, column: 1 });
    expect(renderGithub(report, sampleOptions({ failOn: 'warn' }))).toMatch(/^::error /);
  });
});

describe('renderStepSummary', () => {
  it.each([
    ['failing', failingReport],
    ['passing', passingReport],
  ] as const)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.summary.md`, renderStepSummary(report));
  });
});
