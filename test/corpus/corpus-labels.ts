import { readFileSync } from 'node:fs';

/** The labelled max-tokens corpus: a small project whose every completion call site is labelled by hand. */
export const CORPUS = new URL('../../fixtures/max-tokens-corpus/', import.meta.url).pathname;

/** What the code does, whatever the check says: the truth the check is measured against. */
export type CapLabel = 'capped' | 'uncapped' | 'unknown';
export const CAP_LABELS: readonly CapLabel[] = ['capped', 'uncapped', 'unknown'];

/** Every way of calling a completion the corpus covers; each must have labelled call sites. */
export const CORPUS_STYLES = ['openai-sdk', 'openai-responses', 'openrouter-sdk', 'vercel-ai', 'langchain', 'raw-http'] as const;
export type CorpusStyle = (typeof CORPUS_STYLES)[number];

export interface CallSiteLabel {
  /** Relative to the corpus root, `/` separators, as the JSON report spells `file`. */
  file: string;
  /** 1-based, at the first character of the call (or `new`) expression. */
  line: number;
  column: number;
  style: CorpusStyle;
  label: CapLabel;
  note: string;
}

export function loadLabels(): CallSiteLabel[] {
  return JSON.parse(readFileSync(`${CORPUS}labels.json`, 'utf8')) as CallSiteLabel[];
}

/** `file:line:column`, the key labels and findings are matched on. */
export function locationKey(location: { file?: string; line?: number; column?: number }): string {
  return `${location.file ?? '?'}:${location.line ?? '?'}:${location.column ?? '?'}`;
}
