import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/types.js';
import type { Report } from '../../src/engine/report.js';
import { renderGithub } from '../../src/reporters/github.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { SuppressionIndex } from '../../src/engine/suppressions.js';
import { passingReport, sampleOptions } from '../support/sample-reports.js';
import { validateSarif } from '../support/sarif.js';
import { workspaceOf } from '../support/workspace.js';

/** An uncapped call in cell 3, line 2 of a notebook, at line 41, column 16 of its JSON text. */
const IN_NOTEBOOK: Finding = {
  message: 'chat.completions.create() sends no output cap (OpenAI SDK); add max_tokens=1024',
  severity: 'error',
  file: 'notebooks/analysis.ipynb',
  line: 41,
  column: 16,
  cell: { index: 3, line: 2, column: 11 },
  snippet: 'réponse = client.chat.completions.create(**params)',
};

function reportWith(finding: Finding): Report {
  const check = { ...passingReport.checks[0]!, id: 'max-tokens', status: 'fail' as const, findings: [finding] };
  return { ...passingReport, checks: [check] };
}

describe('a finding in a notebook cell', () => {
  it('the text report shows the notebook, the cell and the line in it', () => {
    const text = renderText(reportWith(IN_NOTEBOOK), sampleOptions());
    expect(text).toContain(`notebooks/analysis.ipynb:cell 3:line 2:11  ${IN_NOTEBOOK.message}`);
    expect(text).toContain(`      ${IN_NOTEBOOK.snippet}`);
  });

  it('JSON keeps the line and column in the .ipynb text and adds the cell', () => {
    const [finding] = (JSON.parse(renderJson(reportWith(IN_NOTEBOOK))) as { checks: { findings: unknown[] }[] }).checks[0]!.findings;
    expect(finding).toEqual({
      message: IN_NOTEBOOK.message,
      severity: 'error',
      file: 'notebooks/analysis.ipynb',
      line: 41,
      column: 16,
      cell: { index: 3, line: 2, column: 11 },
      snippet: IN_NOTEBOOK.snippet,
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('SARIF points its region into the .ipynb text and names the cell in the result properties', () => {
    const rendered: unknown = JSON.parse(renderSarif(reportWith(IN_NOTEBOOK), sampleOptions()));
    expect(validateSarif(rendered), JSON.stringify(validateSarif.errors)).toBe(true);
    const sarif = rendered as {
      runs: { results: { locations: { physicalLocation: { region: Record<string, unknown> } }[]; properties?: unknown }[] }[];
    };
    const [result] = sarif.runs[0]!.results;
    expect(result!.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 41, startColumn: 16 });
    expect(result!.properties).toEqual({ notebookCell: { index: 3, line: 2, column: 11 } });
  });

  it('a GitHub annotation is placed on the .ipynb line and its title names the cell', () => {
    expect(renderGithub(reportWith(IN_NOTEBOOK), sampleOptions())).toBe(
      `::error file=notebooks/analysis.ipynb,line=41,col=16,title=openrouter-check max-tokens (cell 3%2C line 2)::${IN_NOTEBOOK.message}\n`,
    );
  });

  it('a finding outside notebooks renders as before', () => {
    const { cell: _cell, ...inScript } = { ...IN_NOTEBOOK, file: 'app/main.py' };
    expect(renderText(reportWith(inScript), sampleOptions())).toContain(`app/main.py:41:16  ${IN_NOTEBOOK.message}`);
    expect(JSON.parse(renderJson(reportWith(inScript))).checks[0].findings[0]).not.toHaveProperty('cell');
  });
});

describe('suppressions in Python and notebooks', () => {
  const notebookLines = (comment: string): string =>
    ['{', ' "cells": [', '  {', '   "source": [', `    "${comment}\\n",`, '    "client.chat.completions.create(model=m)"', '   ]', '  }', ' ]', '}'].join('\n');
  const uncappedAt = (file: string, line: number): Finding => ({ message: 'uncapped', severity: 'error', file, line, column: 6 });

  it.each([
    ['a # comment in a .py file', 'app.py', '# openrouter-check-ignore-next-line max-tokens -- tiny classifier\nclient.chat.completions.create(model=m)\n', 2],
    ['a comment line of a notebook cell', 'nb.ipynb', notebookLines('# openrouter-check-ignore-next-line max-tokens -- tiny classifier'), 6],
  ])('%s silences the call below', (_name, path, text, line) => {
    const index = new SuppressionIndex(workspaceOf({ [path]: text }));
    expect(index.apply('max-tokens', [uncappedAt(path, line)])).toEqual({ findings: [], suppressed: 1 });
  });

  it('a reasonless suppression in a notebook still applies, and is itself reported', () => {
    const index = new SuppressionIndex(workspaceOf({ 'nb.ipynb': notebookLines('# openrouter-check-ignore-next-line max-tokens') }));
    const outcome = index.apply('max-tokens', [uncappedAt('nb.ipynb', 6)]);
    expect(outcome.suppressed).toBe(1);
    expect(outcome.findings).toEqual([
      expect.objectContaining({ severity: 'warn', file: 'nb.ipynb', line: 5, message: expect.stringContaining('gives no reason') }),
    ]);
  });
});
