import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
/** How a test file runs the built CLI or the action: through one of these helpers, or by the bundle's path. */
const RUNS_THE_CLI = /from '(\.\.?\/)+(hostile\/)?support\/(cli|action|audit)\.js'|'\.\.\/dist\/cli\.js'/;

const testFiles = readdirSync(`${ROOT}test`, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `test/${file.replaceAll('\\', '/')}`);
/** End-to-end: the files that spawn the built CLI (they need `npm run build` first). The rest test modules in process. */
const e2eFiles = testFiles.filter((file) => RUNS_THE_CLI.test(readFileSync(`${ROOT}${file}`, 'utf8')));

export default defineConfig({
  test: {
    // Only a hang should meet these: a file that spawns the CLI many times on a loaded 2-core machine
    // takes minutes. No test measures speed (that is `npm run bench`).
    testTimeout: 180_000,
    hookTimeout: 180_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: e2eFiles } },
      { extends: true, test: { name: 'e2e', include: e2eFiles } },
    ],
  },
});
