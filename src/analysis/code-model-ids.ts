import type { NotebookCell } from '../checks/types.js';
import { pythonModelIds } from '../python/python-model-ids.js';
import { snippetOf } from '../snippet.js';
import type { Workspace } from '../workspace.js';
import { mayContainModelIds, modelIdsOf } from './model-ids.js';
import { analyseScripts } from './script-analysis.js';
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
  /** Written in a request's `models` list: part of a fallback chain. */
  inModelsList?: true;
}

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
  // Through the workspace's one script pass: a file other checks parse too is parsed once.
  const perFile = await analyseScripts(workspace, {
    prefilters: [mayContainModelIds],
    extract: ({ file, compiler, modules }) => {
      const sourceFile = modules.scopeOf(file.path)?.sourceFile;
      // A file the parser cannot walk names no model we could trust.
      if (!sourceFile) return [];
      let uses: ReturnType<typeof modelIdsOf>;
      try {
        uses = modelIdsOf(compiler, sourceFile);
      } catch {
        return [];
      }
      const positionOf = positionLookup(sourceFile.text);
      const seen = new Set<number>();
      const ids: CodeModelId[] = [];
      for (const use of uses) {
        if (seen.has(use.start)) continue; // One const used twice is one place to fix.
        seen.add(use.start);
        const { line, column } = positionOf(use.start);
        const inList = use.inModelsList ? { inModelsList: true as const } : {};
        ids.push({ id: use.id, file: file.path, line, column, snippet: snippetOf(file.lineText(line)), ...inList });
      }
      return ids;
    },
  });
  return perFile.flatMap(({ value }) => value);
}
