import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as parseSource from '../../src/languages/typescript/parse-source.js';
import attributionHeaders from '../../src/checks/attribution-headers.js';
import clientExposure from '../../src/checks/client-exposure.js';
import clientResilience from '../../src/checks/client-resilience.js';
import fallbackConfigured from '../../src/checks/fallback-configured.js';
import hardcodedKey from '../../src/checks/hardcoded-key.js';
import httpsOnly from '../../src/checks/https-only.js';
import maxTokens from '../../src/checks/max-tokens.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import type { Check, Finding } from '../../src/checks/types.js';
import { codeModelIds } from '../../src/inventory/code-model-ids.js';
import { loadWorkspace, visitFileBytes } from '../../src/workspace/workspace.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { contextFor, generateKey, workspaceOf } from '../support/workspace.js';
import { PLAIN } from '../support/plain-http.js';

// Counts parses without changing them: every parse of a JS/TS file in the analysis goes through parseSourceFile.
vi.mock('../../src/languages/typescript/parse-source.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/languages/typescript/parse-source.js')>();
  return { ...original, parseSourceFile: vi.fn(original.parseSourceFile) };
});
const parseSpy = vi.mocked(parseSource.parseSourceFile);
const parsedPaths = (): string[] => parseSpy.mock.calls.map(([, path]) => path).sort();

const OPENROUTER = 'https://openrouter.ai/api/v1';
/** A small app: the client in one module, one file calling the model through it, one that only names OpenRouter. */
const APP: Record<string, string> = {
  'src/llm.ts': [
    `import OpenAI from 'openai';`,
    `export const client = new OpenAI({ baseURL: '${OPENROUTER}', apiKey: process.env.OPENROUTER_API_KEY });`,
  ].join('\n'),
  'src/summarize.ts': [
    `import { client } from './llm.js';`,
    `export async function summarize(text: string) {`,
    `  return client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: text }] });`,
    `}`,
  ].join('\n'),
  'src/about.ts': `export const PROVIDER = 'OpenRouter';`,
  'src/plain.ts': `export const add = (a: number, b: number) => a + b;`,
  'docs/setup.md': `Point the app at OpenRouter.`,
};
const AST_CHECKS: Check[] = [maxTokens, clientExposure, clientResilience, fallbackConfigured, attributionHeaders];

/** Starts every check in one synchronous loop, as run.ts does, and waits for all. */
async function runTogether(checks: readonly Check[], workspace: Workspace): Promise<Finding[][]> {
  const running = checks.map((check) => check.run(contextFor(check, workspace)));
  return (await Promise.all(running)).map((returned) => outcomeOf(returned).findings);
}

beforeEach(() => {
  parseSpy.mockClear();
});

describe("the workspace's script pass", () => {
  it('parses each JS/TS file once for all the checks that analyse code, and gives each check what it finds alone', async () => {
    const together = await runTogether(AST_CHECKS, workspaceOf(APP));
    expect(parsedPaths()).toEqual(['src/about.ts', 'src/llm.ts', 'src/summarize.ts']);

    for (const [index, check] of AST_CHECKS.entries()) {
      const alone = await runTogether([check], workspaceOf(APP));
      expect(together[index], check.id).toEqual(alone[0]);
    }
    // So the comparison above compares something: the app has findings of three of the checks.
    expect(together.map((findings) => findings.length)).toEqual([1, 0, 1, 1, 1]);
  });

  it('parses the same files whichever request check asks: the inventory is one (issue 15), and a file naming nothing of interest is never parsed', async () => {
    const [findings] = await runTogether([maxTokens], workspaceOf(APP));
    expect(findings).toMatchObject([{ file: 'src/summarize.ts', line: 3, column: 10 }]);
    // Before issue 15 max-tokens alone parsed src/summarize.ts only; the inventory it now reads is the one every request check reads.
    expect(parsedPaths()).toEqual(['src/about.ts', 'src/llm.ts', 'src/summarize.ts']);
  });

  it('serves a check that asks after the pass has started with a pass of its own, with the same findings', async () => {
    const workspace = workspaceOf(APP);
    const [first] = await runTogether([clientResilience], workspace);
    const [late] = await runTogether([maxTokens], workspace);
    expect(first).toMatchObject([{ file: 'src/llm.ts', line: 2 }]);
    expect(late).toMatchObject([{ file: 'src/summarize.ts', line: 3 }]);
  });

  it('shares its parse with the model ids the remote checks read', async () => {
    const workspace = workspaceOf(APP);
    const [[finding], ids] = await Promise.all([runTogether([maxTokens], workspace).then(([found]) => found!), codeModelIds(workspace)]);
    expect(finding).toMatchObject({ file: 'src/summarize.ts' });
    expect(ids).toMatchObject([{ id: 'openai/gpt-4o-mini', file: 'src/summarize.ts', line: 3 }]);
    expect(parsedPaths().filter((path) => path === 'src/summarize.ts')).toHaveLength(1);
  });
});

describe("the workspace's byte scan over a tree on disk", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'orc-shared-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (files: Record<string, string | Buffer>): void => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  };
  const load = (): Workspace => loadWorkspace({ root, include: [], exclude: [], maxFileSize: 1024 * 1024 });

  it('reads the files when the checks look, not when the tree is walked, and finds the same as over files in memory', async () => {
    const key = generateKey();
    const files = {
      ...APP,
      'src/keys.ts': `export const apiKey = '${key}';`,
      'src/base.ts': `export const base = '${PLAIN}openrouter.ai/api/v1';`,
      'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    };
    write(files);
    const workspace = load();
    // Written after the walk: the one read happens when the checks start, so it sees this content.
    writeFileSync(join(root, 'src/about.ts'), `export const PROVIDER = 'OpenRouter'; // ${key}`);
    const checks = [hardcodedKey, httpsOnly, ...AST_CHECKS];
    const fromDisk = await runTogether(checks, workspace);
    const inMemory = await runTogether(checks, workspaceOf({ ...files, 'src/about.ts': `export const PROVIDER = 'OpenRouter'; // ${key}` }));
    const located = (findings: Finding[][]): string[][] => findings.map((each) => each.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`));
    expect(located(fromDisk)).toEqual(located(inMemory).map((each) => each.filter((line) => !line.startsWith('assets/'))));
    expect(fromDisk[0]!.map((finding) => finding.file)).toEqual(['src/about.ts', 'src/keys.ts']);
    expect(workspace.summary.filesSkipped.binary).toBe(1);
    expect(workspace.files.map((file) => file.path)).not.toContain('assets/logo.png');
  });

  it('keeps no file content in the workspace: what a check reads after the scan comes from disk', async () => {
    write({ 'src/a.ts': `const base = '${PLAIN}openrouter.ai';\n`, 'src/b.ts': 'export const b = 1;\n' });
    const workspace = load();
    const [found] = await runTogether([httpsOnly], workspace);
    expect(found).toMatchObject([{ file: 'src/a.ts', line: 1, column: 15, snippet: `const base = '${PLAIN}openrouter.ai';` }]);
    writeFileSync(join(root, 'src/b.ts'), 'export const b = 2;\n');
    const b = workspace.files.find((file) => file.path === 'src/b.ts')!;
    expect(b.size).toBe('export const b = 1;\n'.length);
    expect(b.text()).toBe('export const b = 2;\n');
  });

  it('stays whole when what looks at the bytes during its read fails: the error goes to that caller alone', () => {
    write({ 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c' });
    const workspace = load();
    const seen: string[] = [];
    expect(() =>
      visitFileBytes(workspace, (file) => {
        seen.push(file.path);
        throw new Error('extractor bug');
      }),
    ).toThrow('extractor bug');
    expect(seen).toEqual(['a.ts']);
    expect(workspace.files.map((file) => file.path)).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(workspace.summary.filesScanned).toBe(3);
  });
});
