import { describe, expect, it } from 'vitest';
import { loadTypeScript } from '../../src/languages/typescript/load-typescript.js';
import { ProjectModules, isRelativeSpecifier } from '../../src/languages/typescript/project-modules.js';
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

describe('a project larger than the module cache', () => {
  it('still follows every import once older modules were dropped from the cache (they are parsed again)', async () => {
    const { default: maxTokens } = await import('../../src/checks/max-tokens.js');
    const { findingsOf } = await import('../support/workspace.js');
    const files: Record<string, string> = { 'src/defaults.ts': 'export const DEFAULTS = { model: "openai/gpt-4o-mini", max_tokens: 256 };\n' };
    for (let index = 0; index < 300; index++) {
      files[`src/feature-${index}.ts`] =
        "import { DEFAULTS } from './defaults.js';\n" +
        `export const run${index} = (q: string) => client.chat.completions.create({ ...DEFAULTS, messages: [{ role: 'user', content: q }] });\n`;
    }
    files['src/uncapped.ts'] = "import { OTHER } from './other.js';\nexport const go = () => client.chat.completions.create({ ...OTHER, messages: [] });\n";
    files['src/other.ts'] = 'export const OTHER = { model: "openai/gpt-4o-mini" };\n';
    const findings = await findingsOf(maxTokens, files);
    expect(findings.map((finding) => `${finding.severity} ${finding.file}:${finding.line}:${finding.column}`)).toEqual(['error src/uncapped.ts:2:25']);
  });
});
