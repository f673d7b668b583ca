import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';
import type { CapLabel } from './corpus-labels.js';

/** The labelled Python max-tokens corpus: a small project whose every completion call site is labelled by hand. */
export const PYTHON_CORPUS = new URL('../../fixtures/python-corpus/', import.meta.url).pathname;

/** Every way of calling a completion from Python the corpus covers; each must have labelled call sites. */
export const PYTHON_CORPUS_STYLES = ['openai-sdk', 'openai-responses', 'openrouter-sdk', 'langchain', 'litellm', 'raw-http'] as const;
export type PythonCorpusStyle = (typeof PYTHON_CORPUS_STYLES)[number];

export interface PythonCallSiteLabel {
  /** Relative to the corpus root, `/` separators, as the JSON report spells `file`. */
  file: string;
  /** 1-based; the column counts UTF-16 code units, at the first character of the call expression. */
  line: number;
  column: number;
  style: PythonCorpusStyle;
  label: CapLabel;
  /** An inline `openrouter-check-ignore-next-line max-tokens -- why` comment above waives the finding. */
  suppressed?: true;
  note: string;
}

export function loadPythonLabels(): PythonCallSiteLabel[] {
  return JSON.parse(readFileSync(`${PYTHON_CORPUS}labels.json`, 'utf8')) as PythonCallSiteLabel[];
}

let pythonParser: Promise<Parser> | undefined;

/** One tree-sitter Python parser for the whole test file: loading the grammar's WASM is the slow part. */
function loadPythonParser(): Promise<Parser> {
  pythonParser ??= (async () => {
    await Parser.init();
    const grammar = createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    return parser;
  })();
  return pythonParser;
}

/** Reads a Python source's syntax tree; the tree is freed afterwards, so `read` must not keep nodes. */
export async function readPythonTree<T>(text: string, read: (root: Node) => T): Promise<T> {
  const tree = (await loadPythonParser()).parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Every `call` node of the Python grammar; offsets count UTF-16 code units, as JavaScript strings index. */
export function callNodes(root: Node): Node[] {
  return root.descendantsOfType('call').filter((node): node is Node => node !== null);
}

export async function pythonCallStarts(text: string): Promise<Set<number>> {
  return readPythonTree(text, (root) => new Set(callNodes(root).map((node) => node.startIndex)));
}
