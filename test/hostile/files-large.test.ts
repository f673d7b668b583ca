import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskKey } from '../../src/workspace/secrets.js';
import { PLAIN } from '../support/plain-http.js';
import { generateKey } from '../support/workspace.js';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';
import { auditJson, checkOf, placesOf, unplacedMessages } from './support/audit.js';
import { CLIENT_AND_CALL, suiteTree } from './support/sources.js';

const BUNDLE = 'assets/index.4f3a9c1b.js';
const BUNDLE_BYTES = 50 * 1024 * 1024;
/** The checks that parse JavaScript through the shared usage scan. */
const USAGE_CHECKS = ['max-tokens', 'client-resilience', 'fallback-configured', 'attribution-headers', 'client-exposure'];

/** Keys are planted at these byte offsets too: straddling, starting at and ending at 16 MiB boundaries. */
const MIB = 1024 * 1024;
const PLANTED_AT = [16 * MIB - 40, 32 * MIB, 48 * MIB - 73];

/**
 * A production bundle as a bundler writes it: one 50 MB line of minified code that embeds the OpenAI SDK's
 * client and a completion call, with keys planted inside and near its end and a plain-http URL after them
 * (columns are 1-based; the line is ASCII, so a column is a byte offset + 1).
 */
function minifiedBundle(): { bytes: Buffer; keyColumns: number[]; urlColumn: number } {
  const head = CLIENT_AND_CALL.join('');
  const filler = 'var a=function(b){return b+1};';
  const body = filler.repeat(Math.ceil((BUNDLE_BYTES - head.length) / filler.length));
  const keyPrefix = `${head}${body}const k="`;
  const lastKey = generateKey();
  const urlPrefix = `${keyPrefix}${lastKey}";const u="`;
  const bytes = Buffer.from(`${urlPrefix}${PLAIN}openrouter.ai/api/v1";export{k,u};\n`, 'latin1');
  for (const offset of PLANTED_AT) bytes.write(`"${generateKey()}"`, offset - 1, 'latin1');
  return { bytes, keyColumns: [...PLANTED_AT.map((offset) => offset + 1), keyPrefix.length + 1], urlColumn: urlPrefix.length + 1 };
}

describe('a 50 MB one-line minified bundle', () => {
  let root: string;
  let raisedLimitConfig: string;
  let keyColumns: number[];
  let urlColumn: number;

  beforeAll(() => {
    const bundle = minifiedBundle();
    ({ keyColumns, urlColumn } = bundle);
    root = suiteTree({ [BUNDLE]: bundle.bytes });
    // Outside the audited root, so one tree serves both runs.
    raisedLimitConfig = join(suiteTree(), 'raised-limit.yml');
    writeFileSync(raisedLimitConfig, 'scan:\n  max_file_size: 64 MiB\n');
  });

  // Over the code checks' size limit: not analysed (and named), but searched for keys and URLs, read in pieces.
  it('is left out of the code analysis as larger than scan.max_file_size (1 MiB by default), and still has its keys and URL found', async () => {
    const { run, report } = await auditJson(root);

    expect(run.status).toBe(1);
    expect(report.workspace).toEqual({
      filesScanned: 0,
      filesSkipped: { binary: 0, 'too-large': 1, unreadable: 0, symlink: 0 },
      skipped: [{ file: BUNDLE, reason: 'too-large' }],
      fileSet: 'walk (not a git repository)',
      scopes: { secrets: { files: 1, keysOnly: 0 }, code: { files: 0, generated: 0, generatedPaths: [] } },
    });
    expect(placesOf(report, ['hardcoded-key', 'https-only'])).toEqual([
      ...keyColumns.map((column) => ({ check: 'hardcoded-key', file: BUNDLE, line: 1, column })),
      { check: 'https-only', file: BUNDLE, line: 1, column: urlColumn },
    ]);
    for (const id of USAGE_CHECKS) expect(unplacedMessages(report, id), id).toEqual([]);
  });

  it('under a raised limit, stays out of the code analysis (the limit stops at 16 MiB, so no file is held whole beyond it) and has its keys (wherever they fall) and http URL found', async () => {
    const { run, report } = await auditJson(root, ['--config', raisedLimitConfig]);

    expect(run.status).toBe(1);
    expect(report.workspace.filesScanned).toBe(0);
    expect(report.workspace.skipped).toEqual([{ file: BUNDLE, reason: 'too-large' }]);
    expect(placesOf(report, ['hardcoded-key', 'https-only'])).toEqual([
      ...keyColumns.map((column) => ({ check: 'hardcoded-key', file: BUNDLE, line: 1, column })),
      { check: 'https-only', file: BUNDLE, line: 1, column: urlColumn },
    ]);
    for (const id of USAGE_CHECKS) expect(unplacedMessages(report, id), id).toEqual([]);
  }, 60_000);

  it('within the raised limit but over the parse cap (1 MiB), is searched and declined by the code analysis with one warning per check', async () => {
    const head = CLIENT_AND_CALL.join('');
    const filler = 'var a=function(b){return b+1};';
    const bundle = `${head}${filler.repeat(Math.ceil((2 * MIB) / filler.length))}\n`;
    const tree = suiteTree({ [BUNDLE]: bundle });

    const { report } = await auditJson(tree, ['--config', raisedLimitConfig]);

    expect(report.workspace.filesScanned).toBe(1);
    // Parsing megabytes of minified code would take hundreds of megabytes of heap: each check that would parse it says it did not.
    for (const id of USAGE_CHECKS) {
      expect(unplacedMessages(report, id), id).toEqual([
        `could not analyse ${BUNDLE}: 2.0 MiB is too large to parse (the code analysis stops at 1 MiB; keys and http URLs are still checked)`,
      ]);
      expect(checkOf(report, id).status, id).toBe('warn');
    }
  });
});

describe('a 1 MB line holding thousands of keys (a leaked key dump, minified)', () => {
  it('reports every key at its column, each snippet cut short with its keys masked', async () => {
    const keys = Array.from({ length: 13_000 }, generateKey);
    const prefix = 'export const keys=["';
    const root = makeTree({ 'src/keys.js': `${prefix}${keys.join('","')}"];\n` });

    const { run, report } = await auditJson(root);

    const findings = checkOf(report, 'hardcoded-key').findings;
    expect(findings).toHaveLength(keys.length);
    // Each key and its quotes and comma take 76 columns.
    expect(findings.map((finding) => finding.column)).toEqual(keys.map((_, index) => prefix.length + 1 + index * 76));
    const maskedLine = `${prefix}${keys.map(maskKey).join('","')}"];`;
    expect(new Set(findings.map((finding) => finding.snippet))).toEqual(new Set([`${maskedLine.slice(0, 199)}…`]));
    for (const key of keys.slice(0, 50)) expect(run.stdout).not.toContain(key);

    // The text report quotes each finding's line around its column: one read of the line, not 13,000.
    const text = await runCli([root, '--offline']);
    expect(text.status).toBe(1);
    expect(text.stdout.match(/^ {4}src\/keys\.js:1:\d+ {2}OpenRouter key sk-or-v1-[0-9a-f]{4}…[0-9a-f]{4} is hardcoded$/gm)).toHaveLength(keys.length);
    expect(text.stdout).not.toMatch(/sk-or-v1-[0-9a-f]{64}/);
  });
});
