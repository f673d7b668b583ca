import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES } from '../support/fixtures.js';

const RECORDER = new URL('../support/load-recorder.mjs', import.meta.url).pathname;
const TREE_SITTER = /node_modules\/web-tree-sitter\//;

/** The module URLs one CLI run resolved, and what it printed. */
async function modulesLoadedBy(args: string[]): Promise<string[] & { stdout?: string; compilerLoaded?: boolean }> {
  const folder = mkdtempSync(join(tmpdir(), 'orc-loads-'));
  const log = join(folder, 'loads.txt');
  // A fresh code cache folder: the compiler, compiled from it rather than imported, leaves its cache file there.
  const cache = join(folder, 'cache');
  const run = await runCli(args, { nodeArgs: ['--import', RECORDER], env: { ORC_LOAD_LOG: log, XDG_CACHE_HOME: cache } });
  const modules: string[] & { stdout?: string; compilerLoaded?: boolean } = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  modules.stdout = run.stdout;
  modules.compilerLoaded =
    existsSync(join(cache, 'openrouter-check')) && readdirSync(join(cache, 'openrouter-check')).some((name) => /\.v8-code(\.ascii)?$/.test(name));
  rmSync(folder, { recursive: true, force: true });
  return modules;
}

describe('the Python parser is loaded only for Python', () => {
  it('max-tokens over a project without Python never loads web-tree-sitter', async () => {
    const modules = await modulesLoadedBy([join(FIXTURES, 'clean-app'), '--only', 'max-tokens,model-availability', '--offline', '--format', 'json']);
    // The check did run (and parse the app's TypeScript) without the Python parser.
    const report = JSON.parse(modules.stdout!) as { checks: { id: string; status: string }[] };
    expect(report.checks.find((check) => check.id === 'max-tokens')?.status).toBe('pass');
    expect(modules.compilerLoaded).toBe(true);
    expect(modules.filter((url) => TREE_SITTER.test(url))).toEqual([]);
  });

  it('max-tokens over a notebook does load it (so the test above can fail)', async () => {
    const modules = await modulesLoadedBy([join(FIXTURES, 'notebook-app'), '--only', 'max-tokens']);
    expect(modules.some((url) => TREE_SITTER.test(url))).toBe(true);
  });
});
