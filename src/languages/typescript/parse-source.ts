import type ts from 'typescript';
import type { TypeScript } from './load-typescript.js';

/** The dialects the parser needs to know about, by name so they can be chosen before the compiler loads. */
export type ScriptKindName = 'TS' | 'TSX' | 'JS' | 'JSX';

const SCRIPT_KIND_BY_EXTENSION: ReadonlyMap<string, ScriptKindName> = new Map([
  ['.ts', 'TS'],
  ['.mts', 'TS'],
  ['.cts', 'TS'],
  ['.tsx', 'TSX'],
  ['.js', 'JS'],
  ['.mjs', 'JS'],
  ['.cjs', 'JS'],
  ['.jsx', 'JSX'],
]);

/** Declaration files hold types only: no call in them ever runs. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** The dialect of a JavaScript or TypeScript file by its extension, or undefined for any other file. */
export function scriptKindOf(path: string): ScriptKindName | undefined {
  const dot = path.lastIndexOf('.');
  if (dot === -1 || path.lastIndexOf('/') > dot || DECLARATION_FILE.test(path)) return undefined;
  return SCRIPT_KIND_BY_EXTENSION.get(path.slice(dot).toLowerCase());
}

/**
 * Longer sources are generated (bundles), not written: a syntax tree and the analysis of it cost 60-90
 * bytes of heap per byte of minified code (a 3.5 MB bundle peaked at 315 MB of RSS and took 8 s), so this
 * hard cap, whatever `scan.max_file_size` says, is what keeps one file's analysis within the run's memory
 * bound. Such a file is searched for keys and URLs, not analysed.
 */
export const MAX_PARSED_SOURCE_LENGTH = 1024 * 1024;

/** Why a text is not parsed, or undefined when it may be. */
export function unparsedBecause(text: string): string | undefined {
  if (text.length <= MAX_PARSED_SOURCE_LENGTH) return undefined;
  const mebibytes = (text.length / 1024 / 1024).toFixed(1);
  return `${mebibytes} MiB is too large to parse (the code analysis stops at ${MAX_PARSED_SOURCE_LENGTH / 1024 / 1024} MiB; keys and http URLs are still checked)`;
}

/**
 * Parses one file with parent links set (the analysis walks upwards) and JSDoc skipped (it never holds calls).
 * Throws for a file too large to parse, and (RangeError) when the parser's recursion overflows the stack.
 */
export function parseSourceFile(compiler: TypeScript, path: string, text: string, kind: ScriptKindName): ts.SourceFile {
  const tooLarge = unparsedBecause(text);
  if (tooLarge) throw new Error(tooLarge);
  return compiler.createSourceFile(
    path,
    text,
    { languageVersion: compiler.ScriptTarget.Latest, jsDocParsingMode: compiler.JSDocParsingMode.ParseNone },
    true,
    compiler.ScriptKind[kind],
  );
}
