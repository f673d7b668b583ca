import { readFileSync, readdirSync } from 'node:fs';
import { locationKey } from './corpus-labels.js';

/**
 * Model-id labels of a corpus (`model-ids.json` beside its `labels.json`): every string in the corpus's code and
 * `.env` templates that is shaped like a model reference, with what it is. The truth model-availability's code
 * ids are measured against.
 */

/** How the id is written: the shapes the issue names, plus the two that must never be reported. */
export const MODEL_ID_SHAPES = [
  /** In a request or a client: `model: '…'`, `model="…"`, `openrouter('…')`. */
  'call',
  /** A constant named as a model, sent through a name or an import. */
  'constant',
  /** An entry of a list: `AVAILABLE_MODELS = [...]`, a `models` fallback chain. */
  'list',
  /** A value of an object, dict or enum of models, or of a map read by key (`TIERS.paid`). */
  'object',
  /** A parameter's, field's or option's default. */
  'default',
  /** The fallback of an environment read: `process.env.X || '…'`, `os.getenv("X", "…")`. */
  'env-fallback',
  /** A `.env.example` value of a variable the code reads as a model. */
  'env-example',
  /** In test code: a fixture, not what production sends (reported only with include_tests). */
  'test',
  /** Shaped like an id but not a model the app sends to OpenRouter: a content type, a path, a local model. */
  'not-a-model',
] as const;
export type ModelIdShape = (typeof MODEL_ID_SHAPES)[number];
export type ModelIdKind = 'model' | 'preset' | 'router';

export interface ModelIdLabel {
  file: string;
  line: number;
  column: number;
  /** As OpenRouter receives it: a LiteLLM `openrouter/` prefix dropped. */
  id: string;
  shape: ModelIdShape;
  /** Absent for a catalogue model. */
  kind?: ModelIdKind;
  note: string;
}

/** A production dependency: what model-availability must take from the code by default. */
export const isSent = (label: ModelIdLabel): boolean => label.shape !== 'test' && label.shape !== 'not-a-model';

export function loadModelIdLabels(corpus: string): ModelIdLabel[] {
  return JSON.parse(readFileSync(`${corpus}model-ids.json`, 'utf8')) as ModelIdLabel[];
}

/** An id, a preset or `openrouter/…`, by shape alone: written independently of the code under test. */
const SHAPED_LIKE_AN_ID =
  /^(?:openrouter\/)?(?:~?[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?::[a-z0-9._-]+)?(?:@preset\/[a-z0-9._-]+)?|@preset\/[a-z0-9._-]+)$/i;

/** A string of the corpus shaped like a model reference, as written, with where it starts. */
export interface IdShapedString {
  file: string;
  line: number;
  column: number;
  text: string;
}

/**
 * Every id-shaped quoted string of the code files, at its opening quote (where the string literal starts, as
 * findings point), and every id-shaped value (or comma-separated part) of the `.env` files, at its first character.
 */
export function idShapedStrings(corpus: string): IdShapedString[] {
  const files = readdirSync(corpus, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`.slice(corpus.length).replace(/^\/+/, ''))
    .sort();
  const found: IdShapedString[] = [];
  for (const file of files) {
    const isEnv = /(?:^|\/)\.env/.test(file);
    if (!isEnv && !/\.(?:[cm]?[jt]sx?|py)$/.test(file)) continue;
    readFileSync(`${corpus}${file}`, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const line = index + 1;
        if (isEnv) {
          const assignment = /^(\s*(?:export\s+)?[A-Za-z_]\w*\s*=\s*)(.*)$/.exec(text);
          if (!assignment) return;
          let value = assignment[2]!;
          let offset = assignment[1]!.length;
          const quote = value[0];
          if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
            value = value.slice(1, value.indexOf(quote, 1));
            offset += 1;
          }
          for (const part of value.split(',')) {
            const trimmed = part.trim();
            if (SHAPED_LIKE_AN_ID.test(trimmed)) found.push({ file, line, column: offset + part.indexOf(trimmed) + 1, text: trimmed });
            offset += part.length + 1;
          }
          return;
        }
        for (const match of text.matchAll(/(["'`])([^"'`\s]+)\1/g)) {
          if (SHAPED_LIKE_AN_ID.test(match[2]!)) found.push({ file, line, column: match.index + 1, text: match[2]! });
        }
      });
  }
  return found;
}

/** A model id as the extraction reports it. */
export interface ReportedId {
  id: string;
  kind: ModelIdKind;
  file: string;
  line: number;
  column: number;
}

export interface ModelIdScore {
  precision: number;
  recall: number;
  falsePositives: string[];
  falseNegatives: string[];
  /** Per shape: labelled production ids, and how many of them were reported right. */
  byShape: Map<ModelIdShape, { labelled: number; found: number; reported: number }>;
}

/**
 * Scores reported ids against the labels: a reported id is right when a label at its place is sent by the app
 * and names the same id and kind; anything else reported (a test fixture, a decoy, an unlabelled place) costs
 * precision, and a labelled production id not reported costs recall.
 */
export function scoreModelIds(labels: readonly ModelIdLabel[], reported: readonly ReportedId[]): ModelIdScore {
  const labelAt = new Map(labels.map((label) => [locationKey(label), label]));
  const right = new Set<string>();
  const falsePositives: string[] = [];
  const byShape = new Map<ModelIdShape, { labelled: number; found: number; reported: number }>(
    MODEL_ID_SHAPES.map((shape) => [shape, { labelled: labels.filter((label) => label.shape === shape).length, found: 0, reported: 0 }]),
  );
  for (const id of reported) {
    const key = locationKey(id);
    const label = labelAt.get(key);
    if (label) byShape.get(label.shape)!.reported++;
    if (label && isSent(label) && label.id === id.id && (label.kind ?? 'model') === id.kind) {
      right.add(key);
      byShape.get(label.shape)!.found++;
    } else {
      falsePositives.push(
        `${key} ${id.id} (${id.kind}) reported; labelled ${label ? `${label.shape} ${label.id}${label.kind ? ` (${label.kind})` : ''}: ${label.note}` : 'nothing'}`,
      );
    }
  }
  const sent = labels.filter(isSent);
  const falseNegatives = sent
    .filter((label) => !right.has(locationKey(label)))
    .map((label) => `${locationKey(label)} ${label.id} [${label.shape}] not reported: ${label.note}`);
  return {
    precision: reported.length === 0 ? 1 : right.size / reported.length,
    recall: sent.length === 0 ? 1 : right.size / sent.length,
    falsePositives,
    falseNegatives,
    byShape,
  };
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;

/** One row per shape: labelled, found (recall), and for test/decoy shapes how many were wrongly reported. */
export function shapeTable(title: string, score: ModelIdScore): string {
  const header = ['shape', 'labelled', 'reported right', 'recall', 'wrongly reported'];
  const rows = MODEL_ID_SHAPES.map((shape) => {
    const { labelled, found, reported } = score.byShape.get(shape)!;
    const sent = shape !== 'test' && shape !== 'not-a-model';
    return [
      shape,
      String(labelled),
      sent ? String(found) : '-',
      sent ? percent(labelled === 0 ? 1 : found / labelled) : '-',
      String(sent ? reported - found : reported),
    ];
  });
  const widths = header.map((heading, index) => Math.max(heading.length, ...rows.map((row) => row[index]!.length)));
  const format = (row: readonly string[]): string => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ');
  return [title, format(header), ...rows.map(format), `precision ${percent(score.precision)}, recall ${percent(score.recall)}`].join('\n');
}
