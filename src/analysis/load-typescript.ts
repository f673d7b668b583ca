import type ts from 'typescript';

/** The TypeScript compiler module. */
export type TypeScript = typeof ts;

let loading: Promise<TypeScript> | undefined;

/**
 * The compiler, imported on first use and then shared. It is several megabytes of JavaScript,
 * so commands that never analyse code (`--version`, remote checks) must never pay for it.
 */
export function loadTypeScript(): Promise<TypeScript> {
  loading ??= import('typescript').then(
    (module) => module.default,
    (error: unknown) => {
      // A failed import is not cached: the next caller gets its own attempt and its own error.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
