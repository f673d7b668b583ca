import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CheckContext, Finding } from '../checks/types.js';
import type { Workspace, WorkspaceFile } from '../workspace.js';
import { loadTypeScript } from './load-typescript.js';
import type { TypeScript } from './load-typescript.js';
import { openRouterUsageOf, scriptFilesWhere } from './openrouter-usage.js';
import type { OpenRouterUsage } from './openrouter-usage.js';
import { ProjectModules } from './project-modules.js';

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

/**
 * One module cache per workspace for all the checks that use this loop: they run side by side over
 * the same files in the same order, so a file one check parsed is usually still cached when the
 * next reaches it.
 */
const modulesByWorkspace = new WeakMap<Workspace, ProjectModules>();

function sharedModulesOf(workspace: Workspace, compiler: TypeScript): ProjectModules {
  let modules = modulesByWorkspace.get(workspace);
  if (!modules) {
    modules = new ProjectModules(compiler, workspace.files);
    modulesByWorkspace.set(workspace, modules);
  }
  return modules;
}

/**
 * The loop every check about OpenRouter clients and requests shares: the JS/TS files whose bytes
 * pass `prefilter`, parsed through the workspace's shared module cache (so imports resolve), handed to
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
  const modules = sharedModulesOf(ctx.workspace, compiler);
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
