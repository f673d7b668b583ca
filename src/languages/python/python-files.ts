import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Node } from 'web-tree-sitter';
import { scanBytes } from '../../workspace/byte-scan.js';
import type { ByteExtractor } from '../../workspace/byte-scan.js';
import type { Workspace, WorkspaceFile } from '../../workspace/workspace.js';
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

interface Visitor {
  visit: PythonFileVisit;
  candidates: Promise<ReadonlySet<WorkspaceFile>>;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Out of the pass: finished, aborted, or failed. */
  done: boolean;
}

/** The pass each workspace's visitors join while it has not started yet. */
const gathering = new WeakMap<Workspace, Visitor[]>();

/**
 * Parses the .py files and notebooks that may hold something of interest, one at a time, and visits each.
 * Which files those are is learnt in the workspace's one byte scan (asked before the first await, so the
 * read that serves every other check serves this too); only the candidates are read again, to parse them.
 * Visitors that ask in the same turn (max-tokens and the model ids, started together by run.ts) share one
 * pass: each file is parsed once for all of them. One asking later gets a pass of its own.
 */
export function visitPythonFiles(workspace: Workspace, visit: PythonFileVisit): Promise<void> {
  const candidates = scanBytes(workspace, candidatesAmong(visit.needles)).then((found) => new Set(found.keys()));
  // Awaited once the pass starts, which may be after the scan failed: not an unhandled rejection meanwhile.
  candidates.catch(() => undefined);
  return new Promise<void>((resolve, reject) => {
    let batch = gathering.get(workspace);
    if (!batch) {
      const started: Visitor[] = [];
      batch = started;
      gathering.set(workspace, started);
      void nextTurn()
        .then(() => {
          if (gathering.get(workspace) === started) gathering.delete(workspace);
          return runPass(workspace, started);
        })
        .catch((error: unknown) => {
          for (const visitor of started) {
            if (visitor.done) continue;
            visitor.done = true;
            visitor.reject(error);
          }
        });
    }
    batch.push({ visit, candidates, resolve, reject, done: false });
  });
}

async function runPass(workspace: Workspace, visitors: Visitor[]): Promise<void> {
  const finish = (visitor: Visitor, error?: unknown): void => {
    if (visitor.done) return;
    visitor.done = true;
    if (error === undefined) visitor.resolve();
    else visitor.reject(error);
  };
  const wanted = new Map<Visitor, ReadonlySet<WorkspaceFile>>();
  for (const visitor of visitors) {
    try {
      wanted.set(visitor, await visitor.candidates);
    } catch (error) {
      finish(visitor, error);
    }
  }
  // In the workspace's order, each file once, whoever wants it.
  const files = workspace.files.filter((file) => [...wanted.values()].some((set) => set.has(file)));
  const interested = (file: WorkspaceFile): Visitor[] => [...wanted].filter(([visitor, set]) => !visitor.done && set.has(file)).map(([visitor]) => visitor);
  if (files.length > 0) {
    let parser: PythonParser | undefined;
    try {
      parser = await loadPythonParser();
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      for (const [visitor, set] of wanted) if (!visitor.done && set.size > 0) visitor.visit.parserUnavailable([...set], cause);
    }
    let lastYield = Date.now();
    for (const file of parser ? files : []) {
      const readers = interested(file).filter((visitor) => {
        try {
          visitor.visit.signal?.throwIfAborted();
          return true;
        } catch (error) {
          finish(visitor, error);
          return false;
        }
      });
      if (readers.length === 0) continue;
      parseAndVisit(parser!, file, readers);
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await nextTurn();
        lastYield = Date.now();
      }
    }
  }
  for (const visitor of visitors) finish(visitor);
}

/** One parse of `file` for every reader; a failure is the file's, reported to each reader it concerns. */
function parseAndVisit(parser: PythonParser, file: WorkspaceFile, readers: readonly Visitor[]): void {
  let source: PythonSource;
  let tree: ReturnType<PythonParser['parse']>;
  try {
    source = pythonSourceOf(file);
    tree = parser.parse(source.python);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    for (const reader of readers) reader.visit.failed(file, cause);
    return;
  }
  try {
    for (const reader of readers) {
      try {
        reader.visit.visit(source, tree.rootNode);
      } catch (error) {
        reader.visit.failed(file, error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    tree.delete(); // WASM memory is not garbage-collected.
  }
}
