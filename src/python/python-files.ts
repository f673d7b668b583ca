import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Node } from 'web-tree-sitter';
import { scanBytes } from '../analysis/byte-scan.js';
import type { ByteExtractor } from '../analysis/byte-scan.js';
import type { Workspace, WorkspaceFile } from '../workspace.js';
import { loadPythonParser } from './load-python.js';
import type { PythonParser } from './load-python.js';
import { isPythonPath, pythonSourceOf } from './python-source.js';
import type { PythonSource } from './python-source.js';

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

export interface PythonFileVisit {
  /** A file containing none of these byte strings cannot hold what is looked for: it is not even parsed. */
  needles: readonly Buffer[];
  signal?: AbortSignal;
  /** Called with each parsed file; the tree is freed when it returns. */
  visit(source: PythonSource, root: Node): void;
  /** A file that could not be read as Python (a broken notebook) or whose analysis crashed. */
  failed(file: WorkspaceFile, cause: string): void;
  /** The parser itself could not be loaded: none of `files` was analysed. */
  parserUnavailable(files: readonly WorkspaceFile[], cause: string): void;
}

/** One extractor per needle list: the byte scan runs an extractor asked for twice only once per file. */
const extractors = new WeakMap<readonly Buffer[], ByteExtractor<true>>();

function candidatesAmong(needles: readonly Buffer[]): ByteExtractor<true> {
  let extractor = extractors.get(needles);
  if (!extractor) {
    extractor = (bytes, file) => isPythonPath(file.path) && needles.some((needle) => bytes.includes(needle));
    extractors.set(needles, extractor);
  }
  return extractor;
}

/**
 * Parses the .py files and notebooks that may hold something of interest, one at a time, and visits each.
 * Which files those are is learnt in the workspace's one byte scan (asked before the first await, so the
 * read that serves every other check serves this too); only the candidates are read again, to parse them.
 */
export async function visitPythonFiles(workspace: Workspace, { needles, signal, visit, failed, parserUnavailable }: PythonFileVisit): Promise<void> {
  const candidates = [...(await scanBytes(workspace, candidatesAmong(needles))).keys()];
  if (candidates.length === 0) return;
  let parser: PythonParser;
  try {
    parser = await loadPythonParser();
  } catch (error) {
    parserUnavailable(candidates, error instanceof Error ? error.message : String(error));
    return;
  }
  let lastYield = Date.now();
  for (const file of candidates) {
    signal?.throwIfAborted();
    try {
      const source = pythonSourceOf(file);
      const tree = parser.parse(source.python);
      try {
        visit(source, tree.rootNode);
      } finally {
        tree.delete(); // WASM memory is not garbage-collected.
      }
    } catch (error) {
      failed(file, error instanceof Error ? error.message : String(error));
    }
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await nextTurn();
      lastYield = Date.now();
    }
  }
}
