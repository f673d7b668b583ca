import { readFileSync, readdirSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../support/plain-http.js';
import { CAP_LABELS, CORPUS, CORPUS_STYLES, loadLabels, locationKey } from './corpus-labels.js';
import type { CallSiteLabel } from './corpus-labels.js';

const labels = loadLabels();
const MIN_CALL_SITES = 60;

/** Offsets of every call and `new` expression in a file, with the parse kept per file. */
const callStartsByFile = new Map<string, Set<number>>();
function callStartsOf(file: string): Set<number> {
  let starts = callStartsByFile.get(file);
  if (starts) return starts;
  const text = readFileSync(`${CORPUS}${file}`, 'utf8');
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  starts = new Set();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) starts!.add(node.getStart(sourceFile));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  callStartsByFile.set(file, starts);
  return starts;
}

function offsetOf(text: string, { line, column }: CallSiteLabel): number | undefined {
  const lines = text.split('\n');
  const lineText = lines[line - 1];
  if (lineText === undefined || column < 1 || column > lineText.length) return undefined;
  return lines.slice(0, line - 1).reduce((sum, previous) => sum + previous.length + 1, 0) + column - 1;
}

describe('fixtures/max-tokens-corpus/labels.json', () => {
  it(`labels at least ${MIN_CALL_SITES} call sites, covering every style with all three labels overall`, () => {
    expect(labels.length).toBeGreaterThanOrEqual(MIN_CALL_SITES);
    expect(new Set(labels.map((site) => site.style))).toEqual(new Set(CORPUS_STYLES));
    for (const label of CAP_LABELS) expect(labels.filter((site) => site.label === label).length, label).toBeGreaterThanOrEqual(MIN_CALL_SITES / 4);
    for (const style of CORPUS_STYLES) {
      const labelsOfStyle = new Set(labels.filter((site) => site.style === style).map((site) => site.label));
      expect([...labelsOfStyle].sort(), style).toEqual([...CAP_LABELS].sort());
    }
  });

  it('has well-formed entries and no location twice', () => {
    for (const site of labels) {
      expect(site.file, locationKey(site)).toMatch(/^src\/[\w./-]+\.(ts|js|mjs|cjs|tsx|jsx)$/);
      expect(Number.isInteger(site.line) && site.line >= 1, locationKey(site)).toBe(true);
      expect(Number.isInteger(site.column) && site.column >= 1, locationKey(site)).toBe(true);
      expect(CORPUS_STYLES, locationKey(site)).toContain(site.style);
      expect(CAP_LABELS, locationKey(site)).toContain(site.label);
      expect(site.note.trim().length, locationKey(site)).toBeGreaterThan(0);
    }
    const keys = labels.map(locationKey);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('points each label at the first character of a call or `new` expression', () => {
    const misplaced: string[] = [];
    for (const site of labels) {
      const text = readFileSync(`${CORPUS}${site.file}`, 'utf8');
      const offset = offsetOf(text, site);
      if (offset === undefined || !callStartsOf(site.file).has(offset)) misplaced.push(`${locationKey(site)} (${site.note})`);
    }
    expect(misplaced).toEqual([]);
  });

  it('holds no key-format string and no plain-http OpenRouter URL anywhere in the corpus', () => {
    const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const entry of files) {
      const file = `${entry.parentPath}/${entry.name}`;
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/sk-or-v1-[0-9a-f]{64}/);
      expect(text.toLowerCase(), file).not.toContain(`${PLAIN}openrouter.ai`);
    }
  });
});
