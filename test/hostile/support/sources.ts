import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Three lines every hostile source starts with: an OpenAI client for OpenRouter (line 2, column 16:
 * no timeout, no attribution headers) and a completion call (line 3, column 7: no output cap, no fallbacks).
 */
export const CLIENT_AND_CALL = [
  "import OpenAI from 'openai';",
  "const client = new OpenAI({ baseURL: 'https://openrouter.ai/api/v1' });",
  "await client.chat.completions.create({ model: 'openai/gpt-4o', messages: [] });",
] as const;

/** Where the checks point for CLIENT_AND_CALL, as `[line, column]`. */
export const CLIENT_AT = [2, 16] as const;
export const CALL_AT = [3, 7] as const;

const suiteFolders: string[] = [];

afterAll(() => {
  for (const folder of suiteFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/**
 * A temporary folder that lives until the test file ends (for inputs too costly to build per test),
 * with `{ 'a/b.ts': content }` written into it.
 */
export function suiteTree(files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'orc-hostile-'));
  suiteFolders.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
