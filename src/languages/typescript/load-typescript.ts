import type ts from 'typescript';
import { requireWithCodeCache } from './code-cache.js';

/** The TypeScript compiler module. */
export type TypeScript = typeof ts;

let loaded: TypeScript | undefined;

/**
 * The compiler, loaded on first use and then shared. It is several megabytes of JavaScript,
 * so commands that never analyse code (`--version`, remote checks) must never pay for it.
 * `require`, not `import()`: the package is CommonJS, and the ESM loader first scans all 9 MB of it
 * for named exports, which costs about half a second more on every run that parses code. Compiled
 * from the operator's code cache when it has one (src/languages/typescript/code-cache.ts).
 */
export async function loadTypeScript(): Promise<TypeScript> {
  // A failed load is not cached: the next caller gets its own attempt and its own error.
  loaded ??= requireWithCodeCache(import.meta.url, 'typescript') as TypeScript;
  return loaded;
}
