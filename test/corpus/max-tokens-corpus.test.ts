import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { CORPUS, CORPUS_STYLES, loadLabels, locationKey } from './corpus-labels.js';
import type { CallSiteLabel, CapLabel } from './corpus-labels.js';

/**
 * Measures the max-tokens check against the hand-labelled corpus: each finding's severity is its
 * prediction (error → uncapped, warn → unknown, no finding → capped), each label is the truth.
 */

interface JsonFinding {
  message: string;
  severity: string;
  file?: string;
  line?: number;
  column?: number;
}
interface JsonReport {
  checks: { id: string; findings: JsonFinding[] }[];
}

interface Scored {
  site: CallSiteLabel;
  predicted: CapLabel;
  message?: string;
}

/** Precision and recall of one predicted class, with the mismatches that cost them. */
interface ClassScore {
  precision: number;
  recall: number;
  falsePositives: string[];
  falseNegatives: string[];
}

const labels = loadLabels();
let scored: Scored[] = [];
let unlabelledFindings: JsonFinding[] = [];

function predictionOf(finding: JsonFinding | undefined): CapLabel {
  if (!finding) return 'capped';
  return finding.severity === 'error' ? 'uncapped' : 'unknown';
}

/** Findings at no labelled location count against precision: the check saw a call site the labels do not. */
function scoreOf(cls: CapLabel, sites: readonly Scored[], unlabelled: readonly JsonFinding[]): ClassScore {
  const unlabelledOfClass = unlabelled.filter((finding) => predictionOf(finding) === cls);
  const truePositives = sites.filter(({ site, predicted }) => site.label === cls && predicted === cls).length;
  const falsePositives = [
    ...sites.filter(({ site, predicted }) => predicted === cls && site.label !== cls).map(describeMismatch),
    ...unlabelledOfClass.map((finding) => `${locationKey(finding)} (unlabelled): ${finding.message}`),
  ];
  const falseNegatives = sites.filter(({ site, predicted }) => site.label === cls && predicted !== cls).map(describeMismatch);
  const predictedCount = truePositives + falsePositives.length;
  const labelledCount = truePositives + falseNegatives.length;
  return {
    precision: predictedCount === 0 ? 1 : truePositives / predictedCount,
    recall: labelledCount === 0 ? 1 : truePositives / labelledCount,
    falsePositives,
    falseNegatives,
  };
}

function describeMismatch({ site, predicted, message }: Scored): string {
  return `${locationKey(site)} [${site.style}] labelled ${site.label}, predicted ${predicted}: ${site.note}${message ? ` — ${message}` : ''}`;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;

function styleTable(): string {
  const header = ['style', 'sites', 'capped', 'uncapped', 'unknown', 'correct', 'uncapped P', 'uncapped R', 'unknown P', 'unknown R'];
  const rows = [...CORPUS_STYLES, 'all' as const].map((style) => {
    const sites = style === 'all' ? scored : scored.filter(({ site }) => site.style === style);
    const unlabelled = style === 'all' ? unlabelledFindings : [];
    const count = (label: CapLabel): string => String(sites.filter(({ site }) => site.label === label).length);
    const uncapped = scoreOf('uncapped', sites, unlabelled);
    const unknown = scoreOf('unknown', sites, unlabelled);
    const correct = sites.filter(({ site, predicted }) => site.label === predicted).length;
    return [
      style,
      String(sites.length),
      count('capped'),
      count('uncapped'),
      count('unknown'),
      percent(sites.length === 0 ? 1 : correct / sites.length),
      percent(uncapped.precision),
      percent(uncapped.recall),
      percent(unknown.precision),
      percent(unknown.recall),
    ];
  });
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const format = (row: readonly string[]): string => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ');
  return [format(header), ...rows.map(format), `findings at no labelled location: ${unlabelledFindings.length}`].join('\n');
}

describe('max-tokens against the labelled corpus (fixtures/max-tokens-corpus)', () => {
  beforeAll(async () => {
    const run = await runCli([CORPUS, '--only', 'max-tokens', '--format', 'json', '--offline']);
    if (run.status !== 0 && run.status !== 1) throw new Error(`the CLI exited ${run.status}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as JsonReport;
    const findings = report.checks.find((check) => check.id === 'max-tokens')?.findings ?? [];
    const byLocation = new Map(findings.map((finding) => [locationKey(finding), finding]));
    const labelled = new Set(labels.map(locationKey));
    scored = labels.map((site) => {
      const finding = byLocation.get(locationKey(site));
      return { site, predicted: predictionOf(finding), ...(finding ? { message: finding.message } : {}) };
    });
    unlabelledFindings = findings.filter((finding) => !labelled.has(locationKey(finding)));
    console.log(`max-tokens on the labelled corpus (${labels.length} call sites)\n${styleTable()}`);
  });

  it('reports exactly the uncapped call sites as errors (precision and recall 100%)', () => {
    const { precision, recall, falsePositives, falseNegatives } = scoreOf('uncapped', scored, unlabelledFindings);
    expect({ falsePositives, falseNegatives }).toEqual({ falsePositives: [], falseNegatives: [] });
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('reports exactly the unknown call sites as warnings (precision and recall 100%)', () => {
    const { precision, recall, falsePositives, falseNegatives } = scoreOf('unknown', scored, unlabelledFindings);
    expect({ falsePositives, falseNegatives }).toEqual({ falsePositives: [], falseNegatives: [] });
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('reports nothing at a location no label names', () => {
    expect(unlabelledFindings.map((finding) => `${locationKey(finding)} ${finding.severity}: ${finding.message}`)).toEqual([]);
  });
});
