import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { generateKey } from '../support/workspace.js';
import { auditJson, checkOf, placesOf } from './support/audit.js';
import type { Place } from './support/audit.js';
import { CALL_AT, CLIENT_AND_CALL, CLIENT_AT, suiteTree } from './support/sources.js';

const DEPTH = 10_000;

/** Expressions nested DEPTH deep, each in the shape a generator or an obfuscator might write. */
const NESTED_EXPRESSIONS: Record<string, string> = {
  parentheses: `${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)}`,
  brackets: `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`,
  'arrow functions': `${'() => '.repeat(DEPTH)}1`,
  'object literals': `${'{ a: '.repeat(DEPTH)}1${' }'.repeat(DEPTH)}`,
  calls: `${'f('.repeat(DEPTH)}${')'.repeat(DEPTH)}`,
  conditionals: `${'a ? b : '.repeat(DEPTH)}c`,
  'template literals': `${'`${'.repeat(DEPTH)}1${'}`'.repeat(DEPTH)}`,
  'a chain of additions': Array.from({ length: DEPTH }, () => '1').join(' + '),
};

/** The checks that parse the file, and where each points when it can. */
const PARSING_CHECKS: readonly (readonly [string, readonly [number, number]])[] = [
  ['max-tokens', CALL_AT],
  ['fallback-configured', CALL_AT],
  ['client-resilience', CLIENT_AT],
  ['attribution-headers', CLIENT_AT],
];

const fileOf = (shape: string): string => `src/${shape.replaceAll(' ', '-')}.ts`;

describe(`a ${DEPTH}-deep nested expression next to a completion call`, () => {
  let root: string;
  let report: Report;
  let status: number | null;

  beforeAll(async () => {
    const files: Record<string, string> = { 'src/shallow.ts': `${CLIENT_AND_CALL.join('\n')}\n` };
    for (const [shape, expression] of Object.entries(NESTED_EXPRESSIONS)) {
      files[fileOf(shape)] = `${CLIENT_AND_CALL.join('\n')}\nconst key = '${generateKey()}';\nexport const deep = ${expression};\n`;
    }
    root = suiteTree(files);
    ({
      report,
      run: { status },
    } = await auditJson(root));
  });

  it('ends with the report of every check: the process survives the parser running out of stack', () => {
    expect(status).toBe(1);
    expect(report.checks.filter((check) => check.kind === 'static').map((check) => check.status)).not.toContain('error');
  });

  it('still finds the key in every nested file (the byte checks do not parse)', () => {
    expect(placesOf(report, ['hardcoded-key'])).toEqual(
      [...Object.keys(NESTED_EXPRESSIONS)]
        .sort((a, b) => (fileOf(a) < fileOf(b) ? -1 : 1))
        .map(
          (shape): Place => ({
            check: 'hardcoded-key',
            file: fileOf(shape),
            line: 4,
            column: 14,
          }),
        ),
    );
  });

  it.each(PARSING_CHECKS)('%s reports the shallow file exactly', (id, [line, column]) => {
    expect(placesOf(report, [id]).filter((place) => place.file === 'src/shallow.ts')).toEqual([{ check: id, file: 'src/shallow.ts', line, column }]);
  });

  // Whether the parser overflows depends on the shape and the stack size; either way the file is not passed over in silence.
  it.each(PARSING_CHECKS)('%s either analyses each nested file or warns that it could not', (id, [line, column]) => {
    const findings = checkOf(report, id).findings;
    for (const shape of Object.keys(NESTED_EXPRESSIONS)) {
      const file = fileOf(shape);
      const analysed = findings.filter((finding) => finding.file === file).map((finding) => [finding.line, finding.column]);
      const declined = findings.filter(
        (finding) => finding.message === `could not analyse ${file}: it nests too deeply to parse (maximum call stack size exceeded)`,
      );
      expect({ shape, outcome: analysed.length + declined.length === 1 ? 'one outcome' : { analysed, declined: declined.length } }).toEqual({
        shape,
        outcome: 'one outcome',
      });
      if (analysed.length === 1) expect(analysed[0], shape).toEqual([line, column]);
      if (declined.length === 1) expect(declined[0]!.severity).toBe('warn');
    }
  });
});
