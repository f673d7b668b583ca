import { describe, expect, it } from 'vitest';
import { baselineEntriesOf } from '../../src/engine/baseline.js';
import type { Report } from '../../src/engine/report.js';
import { renderGitlab } from '../../src/reporters/gitlab.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { validateCodeQuality } from '../support/gitlab-code-quality.js';
import { expectGolden } from '../support/golden.js';
import { failingReport, passingReport, requiredRemoteReport, sampleOptions, warningReport } from '../support/sample-reports.js';

interface CodeQualityEntry {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

const SAMPLES: [string, Report][] = [
  ['failing', failingReport],
  ['passing', passingReport],
  ['warning', warningReport],
  ['required-remote', requiredRemoteReport],
];

const render = (report: Report, configFile?: string): string => renderGitlab(report, sampleOptions(configFile === undefined ? {} : { configFile }));
const parse = (report: Report, configFile?: string): CodeQualityEntry[] => JSON.parse(render(report, configFile)) as CodeQualityEntry[];
const where = (entry: CodeQualityEntry): string => `${entry.check_name} ${entry.severity} ${entry.location.path}:${entry.location.lines.begin}`;

describe('renderGitlab', () => {
  it.each(SAMPLES)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.gitlab.json`, render(report, '.openrouter-check.yml'));
  });

  it.each(SAMPLES)('%s is valid against the Code Quality fields GitLab reads', (_name, report) => {
    for (const configFile of ['.openrouter-check.yml', undefined]) {
      const valid = validateCodeQuality(JSON.parse(render(report, configFile)));
      expect(validateCodeQuality.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('has a validator that rejects an entry GitLab would drop (no path) or misread (a severity it does not know)', () => {
    const [entry] = parse(failingReport);
    expect(validateCodeQuality([{ ...entry, location: { lines: { begin: 1 } } }])).toBe(false);
    expect(validateCodeQuality([{ ...entry, severity: 'error' }])).toBe(false);
    expect(validateCodeQuality([{ ...entry, location: { path: 'a.ts' } }])).toBe(false);
  });

  it('is a JSON array with no byte order mark, one entry per finding and per check that could not run', () => {
    const text = render(failingReport);
    expect(text.startsWith('[')).toBe(true);
    expect(parse(failingReport).map(where)).toEqual([
      'hardcoded-key critical src/config.ts:4',
      'max-tokens major src/chat.ts:18',
      'max-tokens major src/routes/stream & retry.ts:57',
      'max-tokens minor src/summarize.ts:9',
      'credit-limit minor .openrouter-check.yml:1',
      'model-availability major .openrouter-check.yml:3',
      'model-availability major .openrouter-check.yml:1',
      'test-completion major .openrouter-check.yml:1',
    ]);
    expect(render(passingReport)).toBe('[]\n');
  });

  it('says which check could not run and why, as one printable line', () => {
    const entry = parse(failingReport).find((candidate) => candidate.check_name === 'test-completion')!;
    expect(entry.description).toBe('test-completion could not run: OpenRouter answered 503 Service Unavailable: "upstream timed out <retry later> & "');
    // The cause is not part of its identity: a check that keeps failing stays one entry in the widget.
    const otherCause: Report = {
      ...failingReport,
      checks: failingReport.checks.map((check) => (check.status === 'error' ? { ...check, message: 'did not finish within 600 s' } : check)),
    };
    expect(parse(otherCause).find((candidate) => candidate.check_name === 'test-completion')!.fingerprint).toBe(entry.fingerprint);
  });

  it('anchors findings without a file to line 1 of the config file, else of .openrouter-check.yml', () => {
    const remote = (configFile?: string): string[] =>
      parse(failingReport, configFile)
        .filter((entry) => entry.check_name === 'credit-limit' || entry.check_name === 'test-completion')
        .map(where);
    expect(remote('config/openrouter.yml')).toEqual(['credit-limit minor config/openrouter.yml:1', 'test-completion major config/openrouter.yml:1']);
    expect(remote()).toEqual(['credit-limit minor .openrouter-check.yml:1', 'test-completion major .openrouter-check.yml:1']);
  });

  it('gives each finding the fingerprint the SARIF report and the baseline give it, all different', () => {
    const fingerprints = parse(failingReport)
      .filter((entry) => !entry.description.includes('could not run'))
      .map((entry) => `${entry.check_name} ${entry.fingerprint}`);
    const sarif = JSON.parse(renderSarif(failingReport, sampleOptions())) as {
      runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[];
    };
    const fromSarif = sarif.runs.flatMap((run) => run.results.map((result) => `${result.ruleId} ${result.partialFingerprints['openrouterCheck/v1']}`));
    const fromBaseline = failingReport.checks.flatMap((check) =>
      baselineEntriesOf(check.id, check.findings).map((entry) => `${entry.check} ${entry.fingerprint}`),
    );
    expect(fingerprints).toEqual(fromSarif);
    expect(fingerprints).toEqual(fromBaseline);
    const all = parse(failingReport).map((entry) => entry.fingerprint);
    expect(new Set(all).size).toBe(all.length);
  });

  it('shows a notebook finding with its cell, and removes control characters from what the widget shows', () => {
    const notebook: Report = {
      ...warningReport,
      checks: warningReport.checks.map((check) =>
        check.id !== 'max-tokens'
          ? check
          : {
              ...check,
              findings: [
                {
                  message: 'completion has no max_tokens\u001b[2J\u202e',
                  severity: 'warn',
                  file: 'notebooks/try.ipynb',
                  line: 31,
                  column: 9,
                  cell: { index: 3, line: 2, column: 5 },
                  snippet: '"reply = client.chat.completions.create(model=MODEL)"',
                },
              ],
            },
      ),
    };
    expect(parse(notebook)).toEqual([
      {
        description: 'completion has no max_tokens[2J (notebook cell 3, line 2)',
        check_name: 'max-tokens',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        severity: 'minor',
        location: { path: 'notebooks/try.ipynb', lines: { begin: 31 } },
      },
    ]);
  });
});
