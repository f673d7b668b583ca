import { describe, expect, it } from 'vitest';
import { PLAIN } from './support/plain-http.js';
import { makeTree } from './support/tree.js';
import { generateKey } from './support/workspace.js';
import { auditJson, placesOf } from './hostile/support/audit.js';

const FILES = 8_000;

describe('a tree large enough for the read helper thread to take part', () => {
  it('the built CLI finds every key and plain-http URL at its line and column, in the walk order, and counts every file', async () => {
    const files: Record<string, string | Buffer> = {};
    const expected: { check: string; file: string; line: number; column: number }[] = [];
    for (let index = 0; index < FILES; index++) {
      const path = `packages/p${String(index % 26).padStart(2, '0')}/src/file${String(index).padStart(4, '0')}.ts`;
      // Findings in neighbouring files, which the two threads read side by side: the checks must still list
      // them in the walk's order (without the byte scan's reordering this test fails, so the helper does read).
      if (index % 97 < 4) {
        files[path] = `// file ${index}\nexport const key = '${generateKey()}';\n`;
        expected.push({ check: 'hardcoded-key', file: path, line: 2, column: 21 });
      } else if (index % 89 < 3) {
        files[path] = `export const base = '${PLAIN}openrouter.ai/api/v1';\n`;
        expected.push({ check: 'https-only', file: path, line: 1, column: 22 });
      } else if (index % 131 === 3) {
        files[path] = Buffer.concat([Buffer.from('PNG'), Buffer.alloc(32)]);
      } else {
        files[path] = `export const value${index} = ${index};\n`.repeat(1 + (index % 40));
      }
    }
    const root = makeTree(files);

    const { report } = await auditJson(root, ['--only', 'hardcoded-key,https-only']);
    const byWalkOrder = (a: { file: string }, b: { file: string }): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    expect(placesOf(report, ['hardcoded-key'])).toEqual(expected.filter((place) => place.check === 'hardcoded-key').sort(byWalkOrder));
    expect(placesOf(report, ['https-only'])).toEqual(expected.filter((place) => place.check === 'https-only').sort(byWalkOrder));
    const binaries = Object.values(files).filter((content) => Buffer.isBuffer(content)).length;
    expect(report.workspace.filesScanned).toBe(FILES - binaries);
    expect(report.workspace.filesSkipped.binary).toBe(binaries);
  });
});
