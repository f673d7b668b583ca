import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NotebookCell } from '../checks/types.js';
import { pythonModelIds } from '../python/python-model-ids.js';
import { snippetOf } from '../snippet.js';
import type { Workspace } from '../workspace.js';
import { loadTypeScript } from './load-typescript.js';
import { findModelIds, mayContainModelIds } from './model-ids.js';
import { scriptKindOf } from './parse-source.js';
import { positionLookup } from './text-position.js';

/** A model id found in the code, with where it is written. */
export interface CodeModelId {
  id: string;
  file: string;
  line: number;
  column: number;
  snippet: string;
  /** In a notebook, the cell it is written in. */
  cell?: NotebookCell;
}

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

const found = new WeakMap<Workspace, Promise<CodeModelId[]>>();

/**
 * The model ids the workspace's JavaScript, TypeScript and Python send, each once per place it is written,
 * in file then source order. Computed once per workspace, whichever check asks first.
 */
export function codeModelIds(workspace: Workspace): Promise<CodeModelId[]> {
  let ids = found.get(workspace);
  if (!ids) {
    ids = Promise.all([collect(workspace), pythonModelIds(workspace)]).then(([typeScript, python]) => [...typeScript, ...python]);
    found.set(workspace, ids);
  }
  return ids;
}

async function collect(workspace: Workspace): Promise<CodeModelId[]> {
  const files = workspace.files.filter((file) => scriptKindOf(file.path) && mayContainModelIds(file.bytes));
  if (files.length === 0) return [];
  const ts = await loadTypeScript();
  const ids: CodeModelId[] = [];
  let lastYield = Date.now();
  for (const file of files) {
    const text = file.text();
    let uses: ReturnType<typeof findModelIds>;
    try {
      uses = findModelIds(ts, file.path, text, scriptKindOf(file.path)!);
    } catch {
      continue; // A file the parser cannot walk names no model we could trust.
    }
    const positionOf = positionLookup(text);
    const seen = new Set<number>();
    for (const use of uses) {
      if (seen.has(use.start)) continue; // One const used twice is one place to fix.
      seen.add(use.start);
      const { line, column } = positionOf(use.start);
      ids.push({ id: use.id, file: file.path, line, column, snippet: snippetOf(file.lineText(line)) });
    }
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await nextTurn();
      lastYield = Date.now();
    }
  }
  return ids;
}
