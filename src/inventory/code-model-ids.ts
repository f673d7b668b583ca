import type { NotebookCell } from '../checks/types.js';
import { pythonModelIdsAndVariables } from '../languages/python/python-model-ids.js';
import { snippetOf } from '../workspace/snippet.js';
import type { Workspace } from '../workspace/workspace.js';
import { envExampleModelIds } from './env-example-model-ids.js';
import { isTestPath } from './model-reference.js';
import type { ModelReferenceKind } from './model-reference.js';
import { mayContainModelIds, modelIdsOf } from '../languages/typescript/model-ids.js';
import { analyseScripts } from '../languages/typescript/script-analysis.js';
import { positionLookup } from '../workspace/text-position.js';
import type { ProviderPins } from './provider-pins.js';

/** A model id found in the code, with where it is written. */
export interface CodeModelId {
  id: string;
  /** A catalogue model, a preset (`@preset/…`, `model@preset/…`) or a router (`openrouter/auto`). */
  kind: ModelReferenceKind;
  /** Written in test code (`test/`, `*.test.ts`, `test_*.py`…): a fixture, not what production sends. */
  inTest: boolean;
  file: string;
  line: number;
  column: number;
  snippet: string;
  /** In a notebook, the cell it is written in. */
  cell?: NotebookCell;
  /** Written in a request's `models` list: part of a fallback chain. */
  inModelsList?: true;
  /** The `provider` options of the request whose `models` list it is in: the providers it may be routed to. */
  providerPins?: ProviderPins;
}

/** What one language's pass found: the ids, and the environment variables the code reads as a model. */
export interface LanguageModelIds {
  ids: CodeModelId[];
  envVariables: ReadonlySet<string>;
}

const found = new WeakMap<Workspace, Promise<CodeModelId[]>>();

/**
 * The model ids the workspace's JavaScript, TypeScript and Python can send, and the values its `.env.example`
 * gives the variables the code reads as a model: each once per place it is written, in file then source order
 * (the `.env` templates last). Test code is included, marked. Computed once per workspace, whichever check asks first.
 */
export function codeModelIds(workspace: Workspace): Promise<CodeModelId[]> {
  let ids = found.get(workspace);
  if (!ids) {
    ids = Promise.all([collect(workspace), pythonModelIdsAndVariables(workspace)]).then(([typeScript, python]) => [
      ...typeScript.ids,
      ...python.ids,
      ...envExampleModelIds(workspace, new Set([...typeScript.envVariables, ...python.envVariables])),
    ]);
    found.set(workspace, ids);
  }
  return ids;
}

async function collect(workspace: Workspace): Promise<LanguageModelIds> {
  // Through the workspace's one script pass: a file other checks parse too is parsed once.
  const perFile = await analyseScripts(workspace, {
    prefilters: [mayContainModelIds],
    extract: ({ file, compiler, modules }) => {
      const sourceFile = modules.scopeOf(file.path)?.sourceFile;
      // A file the parser cannot walk names no model we could trust.
      if (!sourceFile) return { ids: [], envVariables: [] };
      let found: ReturnType<typeof modelIdsOf>;
      try {
        found = modelIdsOf(compiler, sourceFile);
      } catch {
        return { ids: [], envVariables: [] };
      }
      const positionOf = positionLookup(sourceFile.text);
      const inTest = isTestPath(file.path);
      const ids = found.uses.map((use): CodeModelId => {
        const { line, column } = positionOf(use.start);
        return {
          id: use.id,
          kind: use.kind,
          inTest,
          file: file.path,
          line,
          column,
          snippet: snippetOf(file.lineText(line)),
          ...(use.inModelsList ? { inModelsList: true as const } : {}),
          ...(use.providerPins ? { providerPins: use.providerPins } : {}),
        };
      });
      return { ids, envVariables: inTest ? [] : found.envVariables };
    },
  });
  return {
    ids: perFile.flatMap(({ value }) => value.ids),
    envVariables: new Set(perFile.flatMap(({ value }) => value.envVariables)),
  };
}
