import { locationKey } from './corpus-labels.js';
import type { CapLabel } from './corpus-labels.js';

/**
 * Scoring max-tokens against a labelled corpus (TypeScript or Python): each call site's label is the
 * truth, the CLI's finding at its location the prediction (error → uncapped, warn → unknown, none →
 * capped). A suppressed site must produce no finding and is scored apart.
 */

/** A max-tokens finding as the JSON report gives it. */
export interface CorpusFinding {
  message: string;
  severity: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface CorpusSite {
  file: string;
  line: number;
  column: number;
  style: string;
  label: CapLabel;
  note: string;
  /** Waived by an inline suppression comment: no finding is expected, whatever the label. */
  suppressed?: true;
}

export interface Scored<Site extends CorpusSite = CorpusSite> {
  site: Site;
  predicted: CapLabel;
  finding?: CorpusFinding;
}

/** Precision and recall of one predicted class, with the mismatches that cost them. */
export interface ClassScore {
  precision: number;
  recall: number;
  falsePositives: string[];
  falseNegatives: string[];
}

export function predictionOf(finding: CorpusFinding | undefined): CapLabel {
  if (!finding) return 'capped';
  return finding.severity === 'error' ? 'uncapped' : 'unknown';
}

/** Each site with what the CLI predicted for it, and the findings at no labelled location. */
export function scoreSites<Site extends CorpusSite>(
  labels: readonly Site[],
  findings: readonly CorpusFinding[],
): { scored: Scored<Site>[]; unlabelled: CorpusFinding[] } {
  const byLocation = new Map(findings.map((finding) => [locationKey(finding), finding]));
  const labelled = new Set(labels.map(locationKey));
  const scored = labels.map((site) => {
    const finding = byLocation.get(locationKey(site));
    return { site, predicted: predictionOf(finding), ...(finding ? { finding } : {}) };
  });
  return { scored, unlabelled: findings.filter((finding) => !labelled.has(locationKey(finding))) };
}

export function describeMismatch({ site, predicted, finding }: Scored): string {
  const expected = site.suppressed ? `${site.label} but suppressed (no finding)` : site.label;
  return `${locationKey(site)} [${site.style}] labelled ${expected}, predicted ${predicted}: ${site.note}${finding ? ` — ${finding.message}` : ''}`;
}

/** Findings at no labelled location count against precision: the check saw a call site the labels do not. */
export function scoreOf(cls: CapLabel, sites: readonly Scored[], unlabelled: readonly CorpusFinding[]): ClassScore {
  const scoredSites = sites.filter(({ site }) => !site.suppressed);
  const truePositives = scoredSites.filter(({ site, predicted }) => site.label === cls && predicted === cls).length;
  const falsePositives = [
    ...scoredSites.filter(({ site, predicted }) => predicted === cls && site.label !== cls).map(describeMismatch),
    ...unlabelled.filter((finding) => predictionOf(finding) === cls).map((finding) => `${locationKey(finding)} (unlabelled): ${finding.message}`),
  ];
  const falseNegatives = scoredSites.filter(({ site, predicted }) => site.label === cls && predicted !== cls).map(describeMismatch);
  const predictedCount = truePositives + falsePositives.length;
  const labelledCount = truePositives + falseNegatives.length;
  return {
    precision: predictedCount === 0 ? 1 : truePositives / predictedCount,
    recall: labelledCount === 0 ? 1 : truePositives / labelledCount,
    falsePositives,
    falseNegatives,
  };
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;

/**
 * One row per style and one for all: counts, accuracy, and precision and recall of both reported
 * classes; a column of suppressed sites when the corpus has any.
 */
export function styleTable(title: string, styles: readonly string[], scored: readonly Scored[], unlabelled: readonly CorpusFinding[]): string {
  const withSuppressed = scored.some(({ site }) => site.suppressed);
  const header = [
    'style',
    'sites',
    'capped',
    'uncapped',
    'unknown',
    ...(withSuppressed ? ['suppr.'] : []),
    'correct',
    'uncapped P',
    'uncapped R',
    'unknown P',
    'unknown R',
  ];
  const rows = [...styles, 'all'].map((style) => {
    const sites = style === 'all' ? scored : scored.filter(({ site }) => site.style === style);
    const unlabelledHere = style === 'all' ? unlabelled : [];
    const count = (label: CapLabel): string => String(sites.filter(({ site }) => site.label === label && !site.suppressed).length);
    const uncapped = scoreOf('uncapped', sites, unlabelledHere);
    const unknown = scoreOf('unknown', sites, unlabelledHere);
    const correct = sites.filter(({ site, predicted }) => (site.suppressed ? 'capped' : site.label) === predicted).length;
    return [
      style,
      String(sites.length),
      count('capped'),
      count('uncapped'),
      count('unknown'),
      ...(withSuppressed ? [String(sites.filter(({ site }) => site.suppressed).length)] : []),
      percent(sites.length === 0 ? 1 : correct / sites.length),
      percent(uncapped.precision),
      percent(uncapped.recall),
      percent(unknown.precision),
      percent(unknown.recall),
    ];
  });
  const widths = header.map((heading, index) => Math.max(heading.length, ...rows.map((row) => row[index]!.length)));
  const format = (row: readonly string[]): string => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ');
  return [title, format(header), ...rows.map(format), `findings at no labelled location: ${unlabelled.length}`].join('\n');
}
