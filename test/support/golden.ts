import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export const GOLDEN_DIRECTORY = new URL('../golden/', import.meta.url);

/** `UPDATE_GOLDEN=1` rewrites the expected files (`npm run golden`); review the diff before committing. */
const UPDATING = process.env.UPDATE_GOLDEN === '1';

/** Compares a rendered report with `test/golden/<name>`, or rewrites it when updating. */
export function expectGolden(name: string, actual: string): void {
  const path = new URL(name, GOLDEN_DIRECTORY);
  if (UPDATING) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`test/golden/${name} is missing: run \`npm run golden\` and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

export function readGolden(name: string): string {
  return readFileSync(new URL(name, GOLDEN_DIRECTORY), 'utf8');
}
