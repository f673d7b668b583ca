import type { CheckContext, Finding } from '../../checks/types.js';
import type { WorkspaceFile } from '../../workspace/workspace.js';
import type { ByteExtractor } from '../../workspace/byte-scan.js';
import type { TypeScript } from './load-typescript.js';
import type { OpenRouterUsage } from './openrouter-usage.js';
import { analyseScripts } from './script-analysis.js';

/**
 * What every check about OpenRouter clients and requests shares: the JS/TS files whose bytes pass one of
 * `prefilters`, analysed in the workspace's one script pass (so a file is parsed once for all of them, and
 * what it does with OpenRouter is worked out once), handed to `findingsIn`. A file the analysis cannot walk
 * becomes a warning about that file alone. Call it synchronously at the start of `run()` to join the pass;
 * `ready` settles before the pass begins (workspace-wide facts `findingsIn` reads).
 */
export async function scanOpenRouterUsage(
  ctx: CheckContext,
  prefilters: readonly ByteExtractor<unknown>[],
  findingsIn: (usage: OpenRouterUsage, file: WorkspaceFile, compiler: TypeScript) => Finding[],
  ready?: Promise<unknown>,
): Promise<Finding[]> {
  const perFile = await analyseScripts(ctx.workspace, {
    prefilters,
    ...(ready ? { ready } : {}),
    extract: ({ file, compiler, usage }): Finding[] => {
      // Thrown out of the shared pass, this fails this check's share of it alone.
      ctx.signal.throwIfAborted();
      try {
        const found = usage();
        return found ? findingsIn(found, file, compiler) : [];
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error);
        return [{ message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' }];
      }
    },
  });
  return perFile.flatMap(({ value }) => value);
}
