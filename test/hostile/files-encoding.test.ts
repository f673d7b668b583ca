import { describe, expect, it } from 'vitest';
import { maskKey } from '../../src/workspace/secrets.js';
import { PLAIN } from '../support/plain-http.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';
import { auditJson, checkOf, placesOf } from './support/audit.js';
import type { Place } from './support/audit.js';
import { CALL_AT, CLIENT_AND_CALL, CLIENT_AT } from './support/sources.js';

/**
 * A Windows-style source: the client and call of CLIENT_AND_CALL, then a key (line 4, column 21)
 * and a plain-http base URL (line 5, column 21).
 */
function windowsSource(key: string): string {
  return [...CLIENT_AND_CALL, `export const key = '${key}';`, `export const url = '${PLAIN}openrouter.ai/api/v1';`, ''].join('\r\n');
}

const WINDOWS_SOURCE_PLACES = (file: string): Place[] => [
  { check: 'hardcoded-key', file, line: 4, column: 21 },
  { check: 'https-only', file, line: 5, column: 21 },
  { check: 'max-tokens', file, line: CALL_AT[0], column: CALL_AT[1] },
  { check: 'client-resilience', file, line: CLIENT_AT[0], column: CLIENT_AT[1] },
];
const CHECKS = ['hardcoded-key', 'https-only', 'max-tokens', 'client-resilience'];

const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string): Buffer => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

describe('line endings and encodings', () => {
  // UTF-16 with a byte-order mark is what Windows editors save as "Unicode": a key there is a real leak.
  it.each([
    { encoding: 'UTF-8 with CRLF line endings', bytes: (text: string) => Buffer.from(text) },
    { encoding: 'UTF-8 with a BOM and CRLF', bytes: (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) },
    { encoding: 'UTF-16 LE with a BOM', bytes: utf16le },
    { encoding: 'UTF-16 BE with a BOM', bytes: utf16be },
  ])('$encoding: every finding at its line and column, snippets without \\r', async ({ bytes }) => {
    const key = generateKey();
    const root = makeTree({ 'src/windows.ts': bytes(windowsSource(key)) });

    const { report } = await auditJson(root);

    expect(report.workspace.filesScanned).toBe(1);
    expect(placesOf(report, CHECKS)).toEqual(WINDOWS_SOURCE_PLACES('src/windows.ts'));
    expect(checkOf(report, 'hardcoded-key').findings[0]!.snippet).toBe(`export const key = '${maskKey(key)}';`);
    for (const finding of report.checks.flatMap((check) => check.findings)) expect(finding.snippet ?? '').not.toMatch(/[\r\0\uFEFF]/);
  });

  it('UTF-16 without a BOM cannot be told from binary data: it is searched as bytes, left out of the code analysis as binary and counted', async () => {
    const root = makeTree({ 'src/no-bom.ts': Buffer.from(windowsSource(generateKey()), 'utf16le') });

    const { report } = await auditJson(root);

    expect(report.workspace).toEqual({
      filesScanned: 0,
      filesSkipped: { binary: 1, 'too-large': 0, unreadable: 0, symlink: 0 },
      skipped: [],
      fileSet: 'walk (not a git repository)',
      scopes: { secrets: { files: 1, keysOnly: 0 }, code: { files: 0, generated: 0, generatedPaths: [] } },
    });
  });

  it('invalid UTF-8: the key is found, each bad byte counts as one column (shown as U+FFFD), and the JSON stays valid', async () => {
    const key = generateKey();
    const bytes = Buffer.concat([
      Buffer.from('// caf'),
      Buffer.from([0xe9, 0x20, 0xc3, 0x28]), // Latin-1 é, then a lead byte followed by a non-continuation byte
      Buffer.from('\n/*'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`*/ const key = '${key}';\n`),
    ]);
    const root = makeTree({ 'src/mixed.ts': bytes });

    const { run, report } = await auditJson(root);

    expect(run.stdout).not.toContain(key);
    expect(placesOf(report, ['hardcoded-key'])).toEqual([{ check: 'hardcoded-key', file: 'src/mixed.ts', line: 2, column: 21 }]);
    expect(checkOf(report, 'hardcoded-key').findings[0]!.snippet).toBe(`/*\uFFFD\uFFFD*/ const key = '${maskKey(key)}';`);
  });
});
