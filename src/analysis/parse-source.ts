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

/** Parses one file with parent links set (the analysis walks upwards) and JSDoc skipped (it never holds calls). */
export function parseSourceFile(compiler: TypeScript, path: string, text: string, kind: ScriptKindName): ts.SourceFile {
  return compiler.createSourceFile(
    path,
    text,
    { languageVersion: compiler.ScriptTarget.Latest, jsDocParsingMode: compiler.JSDocParsingMode.ParseNone },
    true,
    compiler.ScriptKind[kind],
  );
}
