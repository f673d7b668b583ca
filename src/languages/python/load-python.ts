import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Parser, Tree } from 'web-tree-sitter';

/** Parses Python source; each tree holds WASM memory, so the caller must `delete()` it. */
export interface PythonParser {
  parse(text: string): Tree;
}

let loading: Promise<PythonParser> | undefined;

/**
 * The tree-sitter Python parser, loaded on first use only (~40 ms): a project without Python never
 * pays for the WASM runtime. The grammar is WASM, so nothing is compiled on install.
 */
export function loadPythonParser(): Promise<PythonParser> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // A failed load is retried by the next caller rather than cached.
    throw error;
  });
  return loading;
}

async function load(): Promise<PythonParser> {
  const { Parser: ParserClass, Language } = await import('web-tree-sitter');
  await ParserClass.init();
  const language = await Language.load(readFileSync(pythonGrammarPath()));
  const parser: Parser = new ParserClass();
  parser.setLanguage(language);
  return {
    parse(text) {
      const tree = parser.parse(text);
      if (!tree) throw new Error('the Python parser returned no tree');
      return tree;
    },
  };
}

/** Where `npm run build` puts the grammar, relative to the bundle's entry (dist/) and its chunks (dist/chunks/). */
const BUNDLED_GRAMMAR = ['./grammars/tree-sitter-python.wasm', '../grammars/tree-sitter-python.wasm'];

/**
 * The published package ships the grammar's WASM file in dist/ (its npm package has a native install
 * script we never use, so it is only a devDependency); a checkout running from source resolves it there.
 */
function pythonGrammarPath(): string {
  for (const relative of BUNDLED_GRAMMAR) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  return createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}
