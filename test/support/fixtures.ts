import { cpSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generateKey } from './workspace.js';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
const KEY_TOKEN = Buffer.from('__OPENROUTER_KEY__');
const copies: string[] = [];

afterAll(() => {
  for (const copy of copies.splice(0)) rmSync(copy, { recursive: true, force: true });
});

/**
 * Copies a fixture project to a temporary folder and replaces every `__OPENROUTER_KEY__`
 * with one freshly generated key: the repository never holds a string in the key format.
 */
export function materializeFixture(name: string): { root: string; key: string } {
  const folder = mkdtempSync(join(tmpdir(), 'orc-fixture-'));
  copies.push(folder);
  const root = join(folder, name);
  cpSync(join(FIXTURES, name), root, { recursive: true, verbatimSymlinks: true });
  const key = generateKey();
  replaceToken(root, Buffer.from(key));
  return { root, key };
}

function replaceToken(directory: string, replacement: Buffer): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) replaceToken(path, replacement);
    else if (entry.isFile() && lstatSync(path).isFile()) {
      const bytes = readFileSync(path);
      if (bytes.includes(KEY_TOKEN)) writeFileSync(path, splitJoin(bytes, KEY_TOKEN, replacement));
    }
  }
}

function splitJoin(bytes: Buffer, token: Buffer, replacement: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(token); at !== -1; at = bytes.indexOf(token, from)) {
    parts.push(bytes.subarray(from, at), replacement);
    from = at + token.length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}
