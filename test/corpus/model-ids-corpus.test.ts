import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeModelIds } from '../../src/inventory/code-model-ids.js';
import type { CodeModelId } from '../../src/inventory/code-model-ids.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { CORPUS, locationKey } from './corpus-labels.js';
import { MODEL_ID_SHAPES, idShapedStrings, isSent, loadModelIdLabels, scoreModelIds, shapeTable } from './model-id-labels.js';
import type { ModelIdLabel, ModelIdScore, ModelIdShape } from './model-id-labels.js';
import { PYTHON_CORPUS } from './python-corpus-labels.js';

/**
 * The model ids model-availability takes from the code, measured on the two labelled corpora
 * (fixtures/max-tokens-corpus in TypeScript/JavaScript, fixtures/python-corpus in Python): every id-shaped
 * string there is labelled in `model-ids.json` with how it is written, or as a test fixture or a decoy.
 */

/** Both thresholds, overall; the extraction before lists, maps, defaults, env fallbacks and `.env.example` reached about a third. */
const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.95;
/** The shapes the extraction had to learn: each must be found nearly always. */
const NEW_SHAPES: readonly ModelIdShape[] = ['list', 'object', 'default', 'env-fallback', 'env-example'];
const MIN_SHAPE_RECALL = 0.9;

const corpora = [
  { name: 'TypeScript/JavaScript', root: CORPUS },
  { name: 'Python', root: PYTHON_CORPUS },
];

describe.each(corpora)('model-id labels of the $name corpus', ({ root }) => {
  const labels = loadModelIdLabels(root);

  it('labels every shape the issue names, tests and decoys, presets and routers', () => {
    for (const shape of MODEL_ID_SHAPES) expect(labels.filter((label) => label.shape === shape).length, shape).toBeGreaterThan(0);
    expect(labels.filter((label) => label.kind === 'preset').length).toBeGreaterThan(0);
    expect(labels.filter((label) => label.kind === 'router').length).toBeGreaterThan(0);
  });

  it('has well-formed entries and no place twice', () => {
    for (const label of labels) {
      const at = locationKey(label);
      expect(Object.keys(label).sort(), at).toEqual(['column', 'file', 'id', 'line', 'note', 'shape', ...(label.kind ? ['kind'] : [])].sort());
      expect(MODEL_ID_SHAPES, at).toContain(label.shape);
      expect(['preset', 'router', undefined], at).toContain(label.kind);
      expect(label.note.trim().length, at).toBeGreaterThan(0);
    }
    const keys = labels.map(locationKey);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('labels exactly the id-shaped strings of the corpus, each at its first character, with the id it is', () => {
    const strings = idShapedStrings(root);
    const expected = strings.map(
      ({ file, line, column, text }) =>
        `${file}:${line}:${column} ${text.startsWith('openrouter/') && text.split('/').length > 2 ? text.slice('openrouter/'.length) : text}`,
    );
    expect(labels.map((label) => `${locationKey(label)} ${label.id}`).sort()).toEqual(expected.sort());
  });

  it('labels the ids of test code as test (decoys there stay decoys), and nothing else as test', () => {
    const inTestCode = (file: string): boolean =>
      /(?:^|\/)(?:tests?|__tests__|specs?)\/|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$/.test(file);
    const misfiled = labels.filter((label) => (label.shape === 'test' ? !inTestCode(label.file) : inTestCode(label.file) && label.shape !== 'not-a-model'));
    expect(misfiled.map(locationKey)).toEqual([]);
  });

  it('holds no key-format string in the new files', () => {
    for (const file of new Set(labels.map((label) => label.file))) expect(readFileSync(`${root}${file}`, 'utf8'), file).not.toMatch(/sk-or-v1-[0-9a-f]{64}/);
  });
});

describe.each(corpora)("model-availability's code ids on the $name corpus", ({ name, root }) => {
  const labels: ModelIdLabel[] = loadModelIdLabels(root);
  let all: CodeModelId[] = [];
  let score: ModelIdScore;
  const table = (): string => shapeTable(`model ids on the ${name} corpus (${labels.filter(isSent).length} sent, ${labels.length} labelled)`, score);

  beforeAll(async () => {
    all = await codeModelIds(loadWorkspace({ root, include: [], exclude: [], maxFileSize: 1024 * 1024 }));
    // What the check takes by default: test code left out (include_tests: false).
    score = scoreModelIds(
      labels,
      all.filter(({ inTest }) => !inTest),
    );
    console.log(table());
  });

  it(`finds the ids the app sends: precision ≥ ${MIN_PRECISION * 100}% and recall ≥ ${MIN_RECALL * 100}%`, () => {
    expect(
      { precision: score.precision >= MIN_PRECISION, recall: score.recall >= MIN_RECALL },
      [table(), ...score.falsePositives, ...score.falseNegatives].join('\n'),
    ).toEqual({
      precision: true,
      recall: true,
    });
  });

  it.each(NEW_SHAPES)(`finds ≥ ${MIN_SHAPE_RECALL * 100}%% of the ids written as %s`, (shape) => {
    const { labelled, found } = score.byShape.get(shape)!;
    expect(labelled, table()).toBeGreaterThan(0);
    expect(found / labelled, [table(), ...score.falseNegatives].join('\n')).toBeGreaterThanOrEqual(MIN_SHAPE_RECALL);
  });

  it('reports no decoy and, by default, no id of test code', () => {
    const leaked = score.falsePositives.filter((line) => / labelled (?:test|not-a-model) /.test(line));
    expect(leaked, table()).toEqual([]);
  });

  it('marks the ids it finds in test code as such (include_tests brings exactly those in)', () => {
    const labelAt = new Map(labels.map((label) => [locationKey(label), label]));
    const wrongly = all
      .filter(({ inTest, ...at }) => inTest !== (labelAt.get(locationKey(at))?.shape === 'test'))
      .map((id) => `${locationKey(id)} ${id.id} inTest=${id.inTest}`);
    expect(wrongly).toEqual([]);
    expect(all.filter(({ inTest }) => inTest).length).toBeGreaterThan(0);
  });
});
