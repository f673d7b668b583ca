import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../src/checks/types.js';
import type { Report } from '../../src/engine/report.js';
import { summarize } from '../../src/engine/report.js';
import { MAX_RESULTS_PER_RUN, renderSarif } from '../../src/reporters/sarif.js';
import { expectGolden } from '../support/golden.js';
import { validateSarif } from '../support/sarif.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

const SAMPLES: [string, Report][] = [
  ['failing', failingReport],
  ['passing', passingReport],
  ['warning', warningReport],
];

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, unknown> } }>;
  partialFingerprints: Record<string, string>;
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
}
interface SarifRun {
  tool: { driver: { rules: SarifRule[] } };
  automationDetails: { id: string };
  invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
  results: SarifResult[];
  properties?: Record<string, unknown>;
}
interface SarifLog {
  runs: SarifRun[];
}

const STATIC = 'openrouter-check/static/';
const REMOTE = 'openrouter-check/remote/';

const parse = (report: Report, configFile?: string): SarifLog =>
  JSON.parse(renderSarif(report, sampleOptions(configFile === undefined ? {} : { configFile }))) as SarifLog;
const runIn = (log: SarifLog, category: string): SarifRun => log.runs.find((run) => run.automationDetails.id === category)!;
const allResults = (log: SarifLog): SarifResult[] => log.runs.flatMap((run) => run.results);

/** A report of one static check with these findings. */
function staticReport(findings: Finding[]): Report {
  const check: CheckResult = {
    id: 'max-tokens',
    title: 'Every completion call caps its output tokens',
    category: 'cost',
    kind: 'static',
    status: findings.some((finding) => finding.severity === 'error') ? 'fail' : 'warn',
    severity: 'error',
    durationMs: 1,
    message: 'many',
    findings,
  };
  return { ...passingReport, checks: [check], summary: summarize([check]) };
}

describe('renderSarif', () => {
  it.each(SAMPLES)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.sarif`, renderSarif(report, sampleOptions({ configFile: '.openrouter-check.yml' })));
  });

  it.each(SAMPLES)('%s validates against the SARIF 2.1.0 schema', (_name, report) => {
    const valid = validateSarif(JSON.parse(renderSarif(report, sampleOptions({ configFile: '.openrouter-check.yml' }))));
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('puts static and remote checks in two runs, each its own code scanning category, with its own rules', () => {
    const log = parse(failingReport);
    expect(log.runs.map((run) => run.automationDetails.id)).toEqual([STATIC, REMOTE]);
    for (const [category, kind] of [
      [STATIC, 'static'],
      [REMOTE, 'remote'],
    ] as const) {
      const run = runIn(log, category);
      const checks = failingReport.checks.filter((check) => check.kind === kind);
      expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(checks.map((check) => check.id));
      const findings = checks.flatMap((check) => check.findings.map((finding) => ({ id: check.id, finding })));
      expect(run.results).toHaveLength(findings.length);
      for (const [index, result] of run.results.entries()) {
        expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
        expect(result.ruleId).toBe(findings[index]!.id);
        expect(result.level).toBe(findings[index]!.finding.severity === 'error' ? 'error' : 'warning');
      }
    }
  });

  it('leaves the remote category out when no remote check ran, so the upload keeps the remote alerts open', () => {
    // warningReport: no API key, every remote check skipped.
    expect(parse(warningReport).runs.map((run) => run.automationDetails.id)).toEqual([STATIC]);
    // --only with remote checks alone: the static category is left out in turn.
    const remoteOnly: Report = {
      ...failingReport,
      checks: failingReport.checks.map((check) => (check.kind === 'static' ? { ...check, status: 'skip', message: 'not in --only', findings: [] } : check)),
    };
    expect(parse(remoteOnly).runs.map((run) => run.automationDetails.id)).toEqual([REMOTE]);
  });

  it('still writes the static run when no check ran at all: GitHub refuses a file without runs', () => {
    const nothing: Report = { ...passingReport, checks: passingReport.checks.map((check) => ({ ...check, status: 'skip', message: 'skipped', findings: [] })) };
    const log = parse(nothing);
    expect(log.runs.map((run) => [run.automationDetails.id, run.results.length])).toEqual([[STATIC, 0]]);
    expect(validateSarif(log)).toBe(true);
  });

  it('gives every rule a short and a full description and help as text and Markdown', () => {
    const rules = SAMPLES.flatMap(([, report]) => parse(report).runs.flatMap((run) => run.tool.driver.rules));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.shortDescription.text, rule.id).not.toBe('');
      expect(rule.fullDescription.text, rule.id).not.toBe('');
      expect(rule.help.text, rule.id).toContain(rule.fullDescription.text);
      expect(rule.help.text, rule.id).toContain(`docs/checks/${rule.id}.md`);
      expect(rule.helpUri, rule.id).toBe(`https://github.com/openrouter-check/openrouter-check/blob/main/docs/checks/${rule.id}.md`);
      expect(rule.help.markdown, rule.id).toContain(rule.fullDescription.text);
    }
    // model-availability has no docs among the sample hints: its title stands in.
    const availability = rules.find((rule) => rule.id === 'model-availability')!;
    expect(availability.fullDescription.text).toBe('Configured models are available');
  });

  it("links no page for a check that has none (a plugin's): its help is its docs alone", () => {
    const [, report] = SAMPLES[0]!;
    const log = JSON.parse(renderSarif(report, sampleOptions({ docsUrls: {} }))) as SarifLog;
    const rules = log.runs.flatMap((run) => run.tool.driver.rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.helpUri, rule.id).toBeUndefined();
      expect(rule.help.text, rule.id).toBe(rule.fullDescription.text);
    }
  });

  it('points a located finding at its file, line and column, relative to %SRCROOT%', () => {
    const result = allResults(parse(failingReport)).find((candidate) => candidate.locations[0]!.physicalLocation.region.startColumn !== undefined)!;
    const check = failingReport.checks.find((candidate) => candidate.id === result.ruleId)!;
    const finding = check.findings.find((candidate) => candidate.message === result.message.text)!;
    expect(result.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: encodeURI(finding.file!), uriBaseId: '%SRCROOT%' },
      region: { startLine: finding.line, startColumn: finding.column, ...(finding.snippet ? { snippet: { text: finding.snippet } } : {}) },
    });
  });

  it('anchors a finding with no file to line 1 of the config file, else of .openrouter-check.yml, so GitHub shows it', () => {
    const remote = (log: SarifLog): SarifResult => runIn(log, REMOTE).results.find((result) => result.message.text.startsWith("model 'acme/legacy-1'"))!;
    const anchor = (uri: string): unknown => [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } }];
    expect(remote(parse(failingReport, 'config/openrouter.yml')).locations).toEqual(anchor('config/openrouter.yml'));
    expect(remote(parse(failingReport)).locations).toEqual(anchor('.openrouter-check.yml'));
    for (const result of allResults(parse(failingReport))) expect(result.locations).toHaveLength(1);
  });

  it("keeps a finding's fingerprint when only its line moves, and tells different findings apart", () => {
    const fingerprintsOf = (report: Report): string[] => allResults(parse(report)).map((result) => result.partialFingerprints['openrouterCheck/v1']!);
    const moved: Report = {
      ...failingReport,
      checks: failingReport.checks.map((check) => ({
        ...check,
        findings: check.findings.map((finding) => (finding.line === undefined ? finding : { ...finding, line: finding.line + 10 })),
      })),
    };
    const before = fingerprintsOf(failingReport);
    expect(fingerprintsOf(moved)).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    for (const fingerprint of before) expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('uses the fingerprint the run gave a finding rather than computing one from what is left after a baseline', () => {
    const finding: Finding = { message: 'no cap', severity: 'error', file: 'src/a.ts', line: 3, column: 1, snippet: 'create({ model })' };
    const [computed] = allResults(parse(staticReport([finding])));
    const [carried] = allResults(parse(staticReport([{ ...finding, fingerprint: 'ab'.repeat(16) }])));
    expect(computed!.partialFingerprints['openrouterCheck/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(carried!.partialFingerprints['openrouterCheck/v1']).toBe('ab'.repeat(16));
  });

  it('reports checks that could not run as tool execution notifications of their run', () => {
    const log = parse(failingReport);
    const errored = failingReport.checks.filter((check) => check.status === 'error');
    expect(errored.map((check) => check.kind)).toEqual(['remote']);
    expect(runIn(log, STATIC).invocations[0]!.executionSuccessful).toBe(true);
    const remote = runIn(log, REMOTE).invocations[0]!;
    expect(remote.executionSuccessful).toBe(false);
    expect(remote.toolExecutionNotifications.map((notification) => notification.message.text)).toEqual(
      errored.map((check) => `${check.id} could not run: ${check.message}`),
    );
    expect(parse(passingReport).runs.every((run) => run.invocations[0]!.executionSuccessful)).toBe(true);
  });

  it(`keeps at most ${MAX_RESULTS_PER_RUN} results a run, errors first, and says how many it left out`, () => {
    const finding = (index: number, severity: Finding['severity']): Finding => ({
      message: `call ${index} has no cap`,
      severity,
      file: `src/generated/f${index}.ts`,
      line: 1,
      column: 1,
      snippet: `create(${index})`,
    });
    // Two warnings first, then errors past the limit: the cut drops the warnings, then the last error.
    const findings = [finding(0, 'warn'), finding(1, 'warn'), ...Array.from({ length: MAX_RESULTS_PER_RUN - 1 }, (_, index) => finding(index + 2, 'error'))];
    expect(findings).toHaveLength(MAX_RESULTS_PER_RUN + 1);
    const [run] = parse(staticReport(findings)).runs;
    expect(run!.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(run!.results.filter((result) => result.level === 'warning')).toHaveLength(1);
    expect(run!.results[0]!.message.text).toBe('call 0 has no cap');
    expect(run!.results.at(-1)!.message.text).toBe(`call ${MAX_RESULTS_PER_RUN} has no cap`);
    expect(run!.properties).toEqual({ resultsTruncated: true, resultCount: MAX_RESULTS_PER_RUN + 1, reportedResultCount: MAX_RESULTS_PER_RUN });
    expect(run!.invocations[0]!.executionSuccessful).toBe(true);
    expect(run!.invocations[0]!.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text: `1 of ${MAX_RESULTS_PER_RUN + 1} results left out: GitHub code scanning accepts at most ${MAX_RESULTS_PER_RUN} a run (errors were kept first); the JSON report has them all`,
        },
      },
    ]);

    const exactly = parse(staticReport(findings.slice(1))).runs[0]!;
    expect(exactly.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(exactly.properties).toBeUndefined();
    expect(exactly.invocations[0]!.toolExecutionNotifications).toEqual([]);
  });
});
