import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { FIXTURES } from './support/fixtures.js';

const RECORDER = new URL('./support/load-recorder.mjs', import.meta.url).pathname;

/** Runs the CLI and returns the module URLs it resolved. */
async function modulesLoadedBy(args: string[]): Promise<{ status: number | null; stdout: string; modules: string[] }> {
  const folder = mkdtempSync(join(tmpdir(), 'orc-loads-'));
  const log = join(folder, 'loads.txt');
  const run = await runCli(args, { nodeArgs: ['--import', RECORDER], env: { ORC_LOAD_LOG: log } });
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  rmSync(folder, { recursive: true, force: true });
  return { status: run.status, stdout: run.stdout, modules };
}

describe('start-up cost', async () => {
  it.each([['--version'], ['-V']])('%s alone prints the package version from the bin script, loading nothing else', async (flag) => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await modulesLoadedBy([flag]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
    expect(run.modules.some((url) => url.endsWith('/bin/openrouter-check.js'))).toBe(true);
    expect(run.modules.filter((url) => /\/dist\/|node_modules\//.test(url))).toEqual([]);
  });

  it('--version with other arguments goes through the CLI, still without the compiler or the checks', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await modulesLoadedBy(['--no-color', '--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(version);
    expect(run.modules.some((url) => url.includes('/dist/cli.js'))).toBe(true);
    expect(run.modules.filter((url) => /node_modules\/typescript\/|\/yaml\//.test(url))).toEqual([]);
    // The checks are in parts of the bundle an audit loads on top of what --version loads.
    const ofDist = (modules: string[]): string[] => modules.filter((url) => url.includes('/dist/'));
    const audit = await modulesLoadedBy([join(FIXTURES, 'clean-app'), '--only', 'hardcoded-key']);
    expect(ofDist(audit.modules)).toEqual(expect.arrayContaining(ofDist(run.modules)));
    expect(ofDist(audit.modules).length).toBeGreaterThan(ofDist(run.modules).length);
  });

  // The compiler is compiled from a code cache (src/languages/typescript/code-cache.ts), not through `require`: the cache file it
  // writes in the operator's cache folder on a first run is what shows it was loaded.
  it('an audit with the max-tokens check does load the compiler (so the test below can fail), and caches its compiled code outside the audited tree', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'orc-cache-'));
    const run = await runCli([join(FIXTURES, 'clean-app'), '--only', 'max-tokens'], { env: { XDG_CACHE_HOME: cache } });
    expect(run.status).toBe(0);
    expect(readdirSync(join(cache, 'openrouter-check')).filter((name) => /\.v8-code(\.ascii)?$/.test(name))).toHaveLength(1);

    // The second run compiles from the cache, and finds the same.
    const again = await runCli([join(FIXTURES, 'clean-app'), '--only', 'max-tokens'], { env: { XDG_CACHE_HOME: cache } });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(run.stdout);
    rmSync(cache, { recursive: true, force: true });
  });

  it('an audit by the byte-level checks alone never loads the compiler', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'orc-cache-'));
    const run = await runCli([join(FIXTURES, 'clean-app'), '--only', 'hardcoded-key,https-only,secret-scanning'], { env: { XDG_CACHE_HOME: cache } });
    expect(run.status).toBe(0);
    expect(existsSync(join(cache, 'openrouter-check'))).toBe(false);
    rmSync(cache, { recursive: true, force: true });
  });

  it('writes no code cache with OPENROUTER_CHECK_CODE_CACHE=0, and finds the same', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'orc-cache-'));
    const run = await runCli([join(FIXTURES, 'clean-app'), '--only', 'max-tokens'], { env: { XDG_CACHE_HOME: cache, OPENROUTER_CHECK_CODE_CACHE: '0' } });
    expect(run.status).toBe(0);
    expect(existsSync(join(cache, 'openrouter-check'))).toBe(false);
    const cached = await runCli([join(FIXTURES, 'clean-app'), '--only', 'max-tokens'], { env: { XDG_CACHE_HOME: cache } });
    expect(cached.stdout).toBe(run.stdout);
    rmSync(cache, { recursive: true, force: true });
  });

  it('never reads or writes a code cache inside the audited tree, even when the cache folder is there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orc-root-'));
    cpSync(join(FIXTURES, 'clean-app'), root, { recursive: true });
    const run = await runCli([root, '--only', 'max-tokens'], { env: { XDG_CACHE_HOME: join(root, '.cache') } });
    expect(run.status).toBe(0);
    expect(existsSync(join(root, '.cache'))).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });
});
