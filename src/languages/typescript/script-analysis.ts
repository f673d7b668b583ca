import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Workspace, WorkspaceFile } from '../../workspace/workspace.js';
import { scanBytes } from '../../workspace/byte-scan.js';
import type { ByteExtractor } from '../../workspace/byte-scan.js';
import { PARSED_BYTES_BETWEEN_COLLECTIONS, collectGarbage } from './heap-collection.js';
import { loadTypeScript } from './load-typescript.js';
import type { TypeScript } from './load-typescript.js';
import { openRouterUsageOf } from './openrouter-usage.js';
import type { OpenRouterUsage } from './openrouter-usage.js';
import { scriptKindOf } from './parse-source.js';
import { ProjectModules } from './project-modules.js';

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

/** What an extractor may ask of the file being analysed; each is computed once per file, whoever asks first. */
export interface ScriptFile {
  file: WorkspaceFile;
  compiler: TypeScript;
  /** The workspace's parsed modules (imports are followed through them); the file itself is parsed through it once. */
  modules: ProjectModules;
  /** What the file does with OpenRouter (clients, requests, env reads); throws if the file cannot be walked. */
  usage(): OpenRouterUsage | undefined;
}

/** One check's need from the workspace's script analysis. */
export interface ScriptExtractor<T> {
  /** Byte tests, any of which makes a JS/TS file worth parsing; run in the workspace's byte scan. */
  prefilters: readonly ByteExtractor<unknown>[];
  /**
   * Plain data from one file (findings with their positions, never syntax nodes: the tree is dropped when
   * the pass moves on). Called in the workspace's file order.
   */
  extract(script: ScriptFile): T;
  /** Settled before the pass begins: workspace-wide facts `extract` reads (from other byte scans). */
  ready?: Promise<unknown>;
}

interface Pending {
  extractor: ScriptExtractor<unknown>;
  /** The extractor's prefilters, from the byte scan. */
  filters: Promise<ReadonlyMap<WorkspaceFile, unknown>>[];
  results: { file: WorkspaceFile; value: unknown }[];
  resolve: (results: { file: WorkspaceFile; value: unknown }[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The workspace's one pass over its JavaScript and TypeScript: every extractor asked for before the pass
 * starts (checks ask synchronously at the start of `run()`, see run.ts) runs on the same parse of each file,
 * so a file is parsed once per run whichever checks need it, and only the files some running check's
 * prefilter passes are parsed at all. An extractor asked for later gets a pass of its own.
 */
class ScriptAnalysis {
  private batch: Pending[] | undefined;
  private modules: ProjectModules | undefined;

  constructor(private readonly workspace: Workspace) {}

  analyse<T>(extractor: ScriptExtractor<T>): Promise<{ file: WorkspaceFile; value: T }[]> {
    // The prefilters join the byte scan now, while it still takes extractors.
    const filtered = extractor.prefilters.map((prefilter) => scanBytes(this.workspace, scriptsOnly(prefilter)));
    return new Promise((resolve, reject) => {
      if (!this.batch) {
        const batch: Pending[] = [];
        this.batch = batch;
        void nextTurn().then(() => {
          if (this.batch === batch) this.batch = undefined;
          return this.run(batch);
        });
      }
      this.batch.push({
        extractor: extractor as ScriptExtractor<unknown>,
        filters: filtered,
        results: [],
        resolve: resolve as Pending['resolve'],
        reject,
      });
    });
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const passing = await Promise.all(
        batch.map(async ({ extractor, filters }) => {
          const maps = await Promise.all(filters);
          await extractor.ready;
          return maps;
        }),
      );
      // The files any prefilter passed, in the workspace's order (the order the checks report in).
      const chosen = new Set<WorkspaceFile>();
      for (const maps of passing) for (const map of maps) for (const file of map.keys()) if (scriptKindOf(file.path)) chosen.add(file);
      if (chosen.size === 0) {
        for (const pending of batch) pending.resolve([]);
        return;
      }
      const compiler = await loadTypeScript();
      this.modules ??= new ProjectModules(compiler, this.workspace.files);
      const modules = this.modules;
      const failed = new Map<Pending, unknown>();
      let lastYield = Date.now();
      let parsedSinceCollection = 0;
      for (const file of this.workspace.files) {
        if (!chosen.has(file)) continue;
        parsedSinceCollection += file.size;
        if (parsedSinceCollection > PARSED_BYTES_BETWEEN_COLLECTIONS) {
          collectGarbage();
          parsedSinceCollection = 0;
        }
        let usage: { value: OpenRouterUsage | undefined } | { error: unknown } | undefined;
        const script: ScriptFile = {
          file,
          compiler,
          modules,
          usage() {
            if (!usage) {
              try {
                usage = { value: openRouterUsageOf(compiler, file.path, modules) };
              } catch (error) {
                usage = { error };
              }
            }
            if ('error' in usage) throw usage.error;
            return usage.value;
          },
        };
        batch.forEach((pending, index) => {
          if (failed.has(pending) || !passing[index]!.some((map) => map.has(file))) return;
          try {
            pending.results.push({ file, value: pending.extractor.extract(script) });
          } catch (error) {
            failed.set(pending, error);
          }
        });
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await nextTurn();
          lastYield = Date.now();
        }
      }
      for (const pending of batch) {
        if (failed.has(pending)) pending.reject(failed.get(pending));
        else pending.resolve(pending.results);
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

const scriptTests = new WeakMap<ByteExtractor<unknown>, ByteExtractor<unknown>>();

/** A prefilter that never searches a file the pass would not parse; the same prefilter gives the same function. */
function scriptsOnly(prefilter: ByteExtractor<unknown>): ByteExtractor<unknown> {
  let test = scriptTests.get(prefilter);
  if (!test) {
    test = (bytes, file) => scriptKindOf(file.path) !== undefined && prefilter(bytes, file);
    scriptTests.set(prefilter, test);
  }
  return test;
}

const analyses = new WeakMap<Workspace, ScriptAnalysis>();

/**
 * What `extractor` yields for each JS/TS file of the workspace its prefilters pass, in file order, from the
 * workspace's shared script analysis. Ask synchronously at the start of a check's `run()` to share its pass.
 */
export function analyseScripts<T>(workspace: Workspace, extractor: ScriptExtractor<T>): Promise<{ file: WorkspaceFile; value: T }[]> {
  let analysis = analyses.get(workspace);
  if (!analysis) {
    analysis = new ScriptAnalysis(workspace);
    analyses.set(workspace, analysis);
  }
  return analysis.analyse(extractor);
}
