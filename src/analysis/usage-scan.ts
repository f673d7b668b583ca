import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CheckContext, Finding } from '../checks/types.js';
import type { WorkspaceFile } from '../workspace.js';
import { loadTypeScript } from './load-typescript.js';
import type { TypeScript } from './load-typescript.js';
import { openRouterUsageOf, scriptFilesWhere } from './openrouter-usage.js';
import type { OpenRouterUsage } from './openrouter-usage.js';
import { ProjectModules } from './project-modules.js';

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

/**
 * The loop every check about OpenRouter clients and requests shares: the JS/TS files whose bytes
 * pass `prefilter`, each parsed once (one module cache for the run, so imports resolve), handed to
 * `findingsIn` with what the file does with OpenRouter. A file the analysis cannot walk becomes a
 * warning about that file alone.
 */
export async function scanOpenRouterUsage(
  ctx: CheckContext,
  prefilter: (bytes: Buffer) => boolean,
  findingsIn: (usage: OpenRouterUsage, file: WorkspaceFile, compiler: TypeScript) => Finding[],
): Promise<Finding[]> {
  const files = scriptFilesWhere(ctx.workspace.files, prefilter);
  if (files.length === 0) return [];
  const compiler = await loadTypeScript();
  const modules = new ProjectModules(compiler, ctx.workspace.files);
  const findings: Finding[] = [];
  let lastYield = Date.now();
  for (const file of files) {
    ctx.signal.throwIfAborted();
    try {
      const usage = openRouterUsageOf(compiler, file.path, modules);
      if (usage) findings.push(...findingsIn(usage, file, compiler));
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      findings.push({ message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' });
    }
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await nextTurn();
      lastYield = Date.now();
    }
  }
  return findings;
}
