import { describe, expect, it } from 'vitest';
import { loadTypeScript } from '../../src/analysis/load-typescript.js';
import { ProjectModules, isRelativeSpecifier } from '../../src/analysis/project-modules.js';
import { workspaceOf } from '../support/workspace.js';

const FILES = {
  'src/app.ts': `import { A } from './lib/a.js';`,
  'src/lib/a.ts': `export const A = {};`,
  'src/lib/view.tsx': `export const V = {};`,
  'src/lib/plain.js': `export const P = {};`,
  'src/lib/esm.mts': `export const M = {};`,
  'src/lib/common.cjs': `module.exports = {};`,
  'src/config/index.ts': `export * from './defaults.js';`,
  'src/config/llm.json': `{ "digest": { "max_tokens": 1 } }`,
};

describe('the project modules', () => {
  it.each([
    ['./lib/a.js', 'src/lib/a.ts'],
    ['./lib/a', 'src/lib/a.ts'],
    ['./lib/a.ts', 'src/lib/a.ts'],
    ['./lib/view.js', 'src/lib/view.tsx'],
    ['./lib/plain.js', 'src/lib/plain.js'],
    ['./lib/esm.mjs', 'src/lib/esm.mts'],
    ['./lib/common.cjs', 'src/lib/common.cjs'],
    ['./config', 'src/config/index.ts'],
    ['./config/index.js', 'src/config/index.ts'],
    ['./config/llm.json', 'src/config/llm.json'],
    ['../src/lib/a.js', 'src/lib/a.ts'],
    ['./lib/missing.js', undefined],
    ['../../outside.js', undefined],
  ])('resolves %s from src/app.ts to %s', async (specifier, expected) => {
    const modules = new ProjectModules(await loadTypeScript(), workspaceOf(FILES).files);
    expect(modules.resolvePath('src/app.ts', specifier)).toBe(expected);
  });

  it('parses a module once, however often it is asked for', async () => {
    const modules = new ProjectModules(await loadTypeScript(), workspaceOf(FILES).files);
    const first = modules.scopeOf('src/lib/a.ts');
    expect(first).toBeDefined();
    expect(modules.scopeOf('src/lib/a.ts')).toBe(first);
    expect(modules.scopeOf('src/nowhere.ts')).toBeUndefined();
  });

  it('tells relative specifiers from packages', () => {
    expect(['./a', '../b/c.js'].map(isRelativeSpecifier)).toEqual([true, true]);
    expect(['ai', '@scope/pkg', '/abs/path', '.hidden', '~/alias'].map(isRelativeSpecifier)).toEqual([false, false, false, false, false]);
  });
});
