import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { CORPUS, CORPUS_STYLES, loadLabels, locationKey } from './corpus-labels.js';
import type { CallSiteLabel } from './corpus-labels.js';
import { scoreOf, scoreSites, styleTable } from './corpus-score.js';
import type { CorpusFinding, Scored } from './corpus-score.js';

/**
 * Measures the max-tokens check against the hand-labelled corpus: each finding's severity is its
 * prediction (error → uncapped, warn → unknown, no finding → capped), each label is the truth.
 */

interface JsonReport {
  checks: { id: string; findings: CorpusFinding[] }[];
}

const labels = loadLabels();
let scored: Scored<CallSiteLabel>[] = [];
let unlabelledFindings: CorpusFinding[] = [];

describe('max-tokens against the labelled corpus (fixtures/max-tokens-corpus)', () => {
  beforeAll(async () => {
    const run = await runCli([CORPUS, '--only', 'max-tokens', '--format', 'json', '--offline']);
    if (run.status !== 0 && run.status !== 1) throw new Error(`the CLI exited ${run.status}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as JsonReport;
    const findings = report.checks.find((check) => check.id === 'max-tokens')?.findings ?? [];
    ({ scored, unlabelled: unlabelledFindings } = scoreSites(labels, findings));
    console.log(styleTable(`max-tokens on the labelled corpus (${labels.length} call sites)`, CORPUS_STYLES, scored, unlabelledFindings));
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
