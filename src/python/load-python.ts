import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Parser, Tree } from 'web-tree-sitter';

/** Parses Python source; each tree holds WASM memory, so the caller must `delete()` it. */
export interface PythonParser {
  parse(text: string): Tree;
}

let loading: Promise<PythonParser> | undefined;

/**
 * The tree-sitter Python parser, loaded on first use only (~40 ms): a project without Python never
 * pays for the WASM runtime. The grammar ships as WASM in its npm package, so nothing is compiled.
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
  const require = createRequire(import.meta.url);
  const language = await Language.load(readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
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
