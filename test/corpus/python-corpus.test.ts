import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { PLAIN } from '../support/plain-http.js';
import { CAP_LABELS, locationKey } from './corpus-labels.js';
import { describeMismatch, scoreOf, scoreSites, styleTable } from './corpus-score.js';
import type { CorpusFinding, Scored } from './corpus-score.js';
import { withInlineCapsRemoved } from './python-cap-removal.js';
import { PYTHON_CORPUS, PYTHON_CORPUS_STYLES, loadPythonLabels, pythonCallStarts } from './python-corpus-labels.js';
import type { PythonCallSiteLabel } from './python-corpus-labels.js';

/**
 * The labelled Python corpus (fixtures/python-corpus): first that its labels are sound, then the max-tokens
 * check measured against them. A finding's severity is its prediction (error → uncapped, warn → unknown,
 * no finding → capped); the label is the truth. A suppressed site must produce no finding at all.
 */

const labels = loadPythonLabels();
const MIN_CALL_SITES = 60;
/** Capped sites whose cap is written in the call itself; the removal test must keep this many to mean something. */
const MIN_INLINE_CAPPED_SITES = 36;
const SUPPRESSION = /openrouter-check-ignore-next-line[ \t]+max-tokens[ \t]+--[ \t]*\S/;

const corpusFiles = readdirSync(PYTHON_CORPUS, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => `${entry.parentPath}/${entry.name}`.slice(PYTHON_CORPUS.length).replace(/^\/+/, ''));
const pythonFiles = corpusFiles.filter((file) => file.endsWith('.py'));
const readCorpusFile = (file: string): string => readFileSync(`${PYTHON_CORPUS}${file}`, 'utf8');

/** The label's offset in its file, counting UTF-16 code units like the column does; undefined when off the text. */
function offsetOf(text: string, { line, column }: PythonCallSiteLabel): number | undefined {
  const lines = text.split('\n');
  const lineText = lines[line - 1];
  if (lineText === undefined || column < 1 || column > lineText.length) return undefined;
  return lines.slice(0, line - 1).reduce((sum, previous) => sum + previous.length + 1, 0) + column - 1;
}

describe('fixtures/python-corpus/labels.json', () => {
  it(`labels at least ${MIN_CALL_SITES} call sites, every style with all three labels`, () => {
    expect(labels.length).toBeGreaterThanOrEqual(MIN_CALL_SITES);
    for (const label of CAP_LABELS) expect(labels.filter((site) => site.label === label).length, label).toBeGreaterThanOrEqual(MIN_CALL_SITES / 4);
    const coverage = Object.fromEntries(
      PYTHON_CORPUS_STYLES.map((style) => [style, [...new Set(labels.filter((site) => site.style === style).map((site) => site.label))].sort()]),
    );
    expect(coverage).toEqual(Object.fromEntries(PYTHON_CORPUS_STYLES.map((style) => [style, [...CAP_LABELS].sort()])));
  });

  it('has well-formed entries, sorted by file then line, and no location twice', () => {
    for (const site of labels) {
      const at = locationKey(site);
      expect(Object.keys(site).sort(), at).toEqual(['column', 'file', 'label', 'line', 'note', 'style', ...(site.suppressed ? ['suppressed'] : [])].sort());
      expect(site.file, at).toMatch(/^[\w-]+(\/[\w-]+)*\.py$/);
      expect(pythonFiles, at).toContain(site.file);
      expect(Number.isInteger(site.line) && site.line >= 1, at).toBe(true);
      expect(Number.isInteger(site.column) && site.column >= 1, at).toBe(true);
      expect(PYTHON_CORPUS_STYLES, at).toContain(site.style);
      expect(CAP_LABELS, at).toContain(site.label);
      expect(site.note.trim().length, at).toBeGreaterThan(0);
    }
    const keys = labels.map(locationKey);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
    const sorted = [...labels].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
    expect(keys).toEqual(sorted.map(locationKey));
  });

  it('points each label at the first character of a call expression (tree-sitter, UTF-16 columns)', async () => {
    const misplaced: string[] = [];
    for (const file of new Set(labels.map((site) => site.file))) {
      const text = readCorpusFile(file);
      const starts = await pythonCallStarts(text);
      for (const site of labels.filter((label) => label.file === file)) {
        const offset = offsetOf(text, site);
        if (offset === undefined || !starts.has(offset)) misplaced.push(`${locationKey(site)} (${site.note})`);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('marks as suppressed exactly the sites under a max-tokens suppression with a reason, and only sites that need one', () => {
    const commented = pythonFiles.flatMap((file) =>
      readCorpusFile(file)
        .split('\n')
        .flatMap((text, index) => (SUPPRESSION.test(text) ? [`${file}:${index + 2}`] : [])),
    );
    const suppressed = labels.filter((site) => site.suppressed);
    expect(suppressed.map((site) => `${site.file}:${site.line}`).sort()).toEqual(commented.sort());
    for (const site of suppressed) expect(site.label, locationKey(site)).not.toBe('capped');
  });

  it('holds no key-format string and no plain-http OpenRouter URL anywhere in the corpus', () => {
    expect(pythonFiles.length).toBeGreaterThan(0);
    for (const file of corpusFiles) {
      const text = readCorpusFile(file);
      expect(text, file).not.toMatch(/sk-or-v1-[0-9a-f]{64}/);
      expect(text.toLowerCase(), file).not.toContain(`${PLAIN}openrouter.ai`);
    }
  });
});

interface JsonReport {
  checks: { id: string; message?: string; findings: CorpusFinding[] }[];
}

/** The max-tokens findings of a CLI run on `root`, or a thrown error saying how the CLI failed. */
async function maxTokensCheckOf(root: string): Promise<JsonReport['checks'][number]> {
  const run = await runCli([root, '--only', 'max-tokens', '--format', 'json', '--offline']);
  if (run.status !== 0 && run.status !== 1) throw new Error(`the CLI exited ${run.status}: ${run.stderr}`);
  const check = (JSON.parse(run.stdout) as JsonReport).checks.find((candidate) => candidate.id === 'max-tokens');
  if (!check) throw new Error('the JSON report has no max-tokens check');
  return check;
}

describe('max-tokens against the labelled Python corpus (fixtures/python-corpus)', () => {
  let scored: Scored<PythonCallSiteLabel>[] = [];
  let unlabelledFindings: CorpusFinding[] = [];
  let checkMessage = '';

  const table = (): string => styleTable(`max-tokens on the Python corpus (${labels.length} call sites)`, PYTHON_CORPUS_STYLES, scored, unlabelledFindings);

  beforeAll(async () => {
    const check = await maxTokensCheckOf(PYTHON_CORPUS);
    checkMessage = check.message ?? '';
    ({ scored, unlabelled: unlabelledFindings } = scoreSites(labels, check.findings));
  });

  it('reports exactly the uncapped call sites as errors (precision and recall 100%)', () => {
    const { precision, recall, falsePositives, falseNegatives } = scoreOf('uncapped', scored, unlabelledFindings);
    expect({ falsePositives, falseNegatives }, table()).toEqual({ falsePositives: [], falseNegatives: [] });
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('reports exactly the unknown call sites as warnings (precision and recall 100%)', () => {
    const { precision, recall, falsePositives, falseNegatives } = scoreOf('unknown', scored, unlabelledFindings);
    expect({ falsePositives, falseNegatives }, table()).toEqual({ falsePositives: [], falseNegatives: [] });
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('says why at each unknown call site', () => {
    const unexplained = scored
      .filter(({ site, finding }) => site.label === 'unknown' && finding?.severity === 'warn' && !/^cannot verify .+: \S/.test(finding.message))
      .map(describeMismatch);
    expect(unexplained).toEqual([]);
  });

  it('reports nothing at a suppressed call site, and counts the suppressions in the check message', () => {
    const suppressed = scored.filter(({ site }) => site.suppressed);
    expect(suppressed.filter(({ finding }) => finding).map(describeMismatch), table()).toEqual([]);
    expect(checkMessage).toContain(`${suppressed.length} suppressed inline`);
  });

  it('reports nothing at a location no label names (the decoys)', () => {
    expect(
      unlabelledFindings.map((finding) => `${locationKey(finding)} ${finding.severity}: ${finding.message}`),
      table(),
    ).toEqual([]);
  });
});

/**
 * A capped site produces no finding whether the check saw it or not. For the sites whose cap is written in the
 * call, remove it in a copy of the corpus: the check must then report each of them as an error, at the same place.
 */
describe('max-tokens recognises the capped call sites (fixtures/python-corpus with inline caps removed)', () => {
  let copy = '';
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('reports each capped call as an error once the cap written in it is removed', async () => {
    copy = mkdtempSync(join(tmpdir(), 'python-corpus-uncapped-'));
    cpSync(PYTHON_CORPUS, copy, { recursive: true });
    const uncappedCopies: PythonCallSiteLabel[] = [];
    for (const site of labels.filter((label) => label.label === 'capped')) {
      const path = join(copy, site.file);
      const text = readFileSync(path, 'utf8');
      const edited = await withInlineCapsRemoved(text, offsetOf(text, site)!);
      if (edited === undefined) continue;
      writeFileSync(path, edited);
      uncappedCopies.push(site);
    }
    expect(uncappedCopies.length).toBeGreaterThanOrEqual(MIN_INLINE_CAPPED_SITES);
    const findings = new Map((await maxTokensCheckOf(copy)).findings.map((finding) => [locationKey(finding), finding]));
    const unseen = uncappedCopies
      .filter((site) => findings.get(locationKey(site))?.severity !== 'error')
      .map((site) => `${locationKey(site)} [${site.style}] ${site.note} — got ${findings.get(locationKey(site))?.message ?? 'no finding'}`);
    expect(unseen).toEqual([]);
  });
});
