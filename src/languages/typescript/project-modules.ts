import { posix } from 'node:path';
import type ts from 'typescript';
import type { WorkspaceFile } from '../../workspace/workspace.js';
import { FileScope } from './file-scope.js';
import type { Binding } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { parseSourceFile, scriptKindOf, unparsedBecause } from './parse-source.js';
import type { Unresolved } from './unresolved.js';

/** Imports re-exported further than this are not written by hand. */
export const MAX_IMPORT_HOPS = 8;

/** An import followed into the file that defines it: a const there (with its binding), or an exported value. */
export type ImportedValue = { scope: FileScope; expression: ts.Expression; binding?: Binding } | { unresolved: Unresolved };

type ImportBinding = Extract<Binding, { kind: 'import' }>;

/** What a `.js` specifier may name on disk: TypeScript sources compile to it, so they come first. */
const EXTENSION_SUBSTITUTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['.js', ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs']],
  ['.jsx', ['.tsx', '.jsx']],
  ['.mjs', ['.mts', '.mjs']],
  ['.cjs', ['.cts', '.cjs']],
]);
/** A quoted specifier starting `./` or `../` (latin1 text of the bytes, so offsets are bytes). */
const RELATIVE_SPECIFIER = /(['"`])(\.\.?\/[^'"`\r\n]*)\1/g;
const RELATIVE_START = Buffer.from('./');

/** `./`, `../..`: a specifier that names a folder (its index module) without spelling the folder's own name. */
function namesAFolder(specifier: string): boolean {
  const last = specifier.slice(specifier.lastIndexOf('/') + 1);
  return last === '' || last === '.' || last === '..';
}
const IMPLIED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/** `./x` and `../x`: a module of this project; anything else is a package (or an alias the analysis does not know). */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * The project's own modules, for following an import into the file that defines the value. Files are taken
 * from the workspace and parsed on demand; one instance serves the workspace's script pass (all checks),
 * and its cache of syntax trees is bounded, so a tree's size never decides how many trees are held.
 */
/** Parsed modules kept per run (least recently used dropped first)… */
const MAX_CACHED_SCOPES = 128;
/** …and the most source they may hold together: a syntax tree costs 60-90 bytes of heap per byte of source. */
const MAX_CACHED_SOURCE_LENGTH = 1024 * 1024;

export class ProjectModules {
  private readonly filesByPath: ReadonlyMap<string, WorkspaceFile>;
  private readonly scopes = new Map<string, FileScope | undefined>();
  /** The source length of the scopes held. */
  private cachedSourceLength = 0;
  /** Why a file could not be parsed (stack overflow, too large), kept so its own analysis can say so. */
  private readonly parseFailures = new Map<string, string>();
  private importIndex: Map<string, string[]> | undefined;

  constructor(
    private readonly ts: TypeScript,
    files: readonly WorkspaceFile[],
  ) {
    this.filesByPath = new Map(files.map((file) => [file.path, file]));
  }

  /**
   * The parsed, recorded scope of a file, or undefined if there is no such file or it cannot be parsed.
   * The most recently used MAX_CACHED_SCOPES stay parsed: enough for the imports a file follows, while
   * a large tree never holds every syntax tree at once (a file evicted and asked again is parsed again).
   */
  scopeOf(path: string): FileScope | undefined {
    if (this.scopes.has(path)) {
      const cached = this.scopes.get(path);
      this.scopes.delete(path);
      this.scopes.set(path, cached);
      return cached;
    }
    let scope: FileScope | undefined;
    const file = this.filesByPath.get(path);
    try {
      if (file && path.toLowerCase().endsWith('.json')) scope = this.jsonScope(file);
      else if (file && scriptKindOf(path)) scope = recordedScope(this.ts, parseSourceFile(this.ts, path, file.text(), scriptKindOf(path)!), this);
    } catch (error) {
      scope = undefined;
      this.parseFailures.set(path, parseFailureMessage(error));
    }
    this.scopes.set(path, scope);
    this.cachedSourceLength += sourceLengthOf(scope);
    // The newest scope stays whatever its size: its caller is about to use it.
    while (this.scopes.size > 1 && (this.scopes.size > MAX_CACHED_SCOPES || this.cachedSourceLength > MAX_CACHED_SOURCE_LENGTH)) {
      const [oldest, dropped] = this.scopes.entries().next().value!;
      this.scopes.delete(oldest);
      this.cachedSourceLength -= sourceLengthOf(dropped);
    }
    return scope;
  }

  /** Why `scopeOf(path)` found no scope for a file that exists, if parsing it failed. */
  parseFailureOf(path: string): string | undefined {
    return this.parseFailures.get(path);
  }

  /**
   * JavaScript and TypeScript files that may import one of `names` from the module at `modulePath`: their bytes spell
   * one of the names and the module's own name (`llm` for `src/llm.ts`, `config` for `src/config/index.ts`).
   */
  scriptPathsImporting(modulePath: string, names: readonly string[]): string[] {
    const needles = names.map((name) => Buffer.from(name));
    const stem = posix.basename(modulePath).replace(/\.[^.]*$/, '');
    const moduleStem = stem === 'index' ? posix.basename(posix.dirname(modulePath)) : stem;
    const moduleName = Buffer.from(moduleStem);
    const paths: string[] = [];
    for (const [path, specifiers] of this.relativeImports()) {
      // Only a file whose relative specifiers could name the module is read again.
      if (path === modulePath || !specifiers.some((specifier) => specifier.includes(moduleStem) || namesAFolder(specifier))) continue;
      const bytes = this.filesByPath.get(path)!.bytes;
      if (!bytes.includes(moduleName)) continue;
      if (needles.some((needle) => bytes.includes(needle))) paths.push(path);
    }
    return paths;
  }

  /**
   * The relative specifiers (`'./llm.js'`, `"../../config/config"`) each script file spells, for the files spelling any: read
   * on first need, once per run, so finding a wrapper's callers never reads the whole tree again per wrapper.
   */
  private relativeImports(): ReadonlyMap<string, string[]> {
    if (this.importIndex) return this.importIndex;
    const index = new Map<string, string[]>();
    for (const [path, file] of this.filesByPath) {
      if (!scriptKindOf(path)) continue;
      const bytes = file.bytes;
      if (!bytes.includes(RELATIVE_START)) continue;
      const specifiers = [...bytes.toString('latin1').matchAll(RELATIVE_SPECIFIER)].map((match) => match[2]!);
      if (specifiers.length > 0) index.set(path, specifiers);
    }
    this.importIndex = index;
    return index;
  }

  /** The root-relative path a relative specifier names among the workspace's files, or undefined. */
  resolvePath(fromPath: string, specifier: string): string | undefined {
    const base = posix.normalize(posix.join(posix.dirname(fromPath), specifier));
    if (base.startsWith('../') || base === '..') return undefined;
    const extension = posix.extname(base);
    const stem = base.slice(0, base.length - extension.length);
    const candidates = [
      base,
      ...(EXTENSION_SUBSTITUTES.get(extension) ?? []).map((substitute) => stem + substitute),
      ...IMPLIED_EXTENSIONS.map((implied) => base + implied),
      ...IMPLIED_EXTENSIONS.map((implied) => `${base}/index${implied}`),
    ];
    return candidates.find((candidate) => this.filesByPath.has(candidate));
  }

  /** Follows an import binding to the value its module exports, through re-exports, or says why it cannot. */
  valueOfImport(scope: FileScope, binding: ImportBinding): ImportedValue {
    const fail = (detail?: string): ImportedValue => ({ unresolved: { why: 'import', name: binding.name, from: binding.from, detail } });
    if (!isRelativeSpecifier(binding.from) || binding.imported === undefined) return fail();
    return this.exported(scope.path, binding.from, binding.imported, 0, new Set(), fail);
  }

  private exported(
    fromPath: string,
    specifier: string,
    name: string,
    hops: number,
    seen: Set<string>,
    fail: (detail?: string) => ImportedValue,
  ): ImportedValue {
    if (hops >= MAX_IMPORT_HOPS) return fail(`through more than ${MAX_IMPORT_HOPS} imports`);
    if (!isRelativeSpecifier(specifier)) return fail(`which takes it from the package '${specifier}'`);
    const target = this.resolvePath(fromPath, specifier);
    if (target === undefined) return fail('which is not among the audited files');
    const key = `${target}#${name}`;
    if (seen.has(key)) return fail('in a cycle of imports');
    seen.add(key);
    const module = this.scopeOf(target);
    if (!module) return fail('which could not be parsed');
    if (module.sourceFile.fileName.toLowerCase().endsWith('.json')) {
      const root = jsonRoot(this.ts, module.sourceFile);
      return name === 'default' && root ? { scope: module, expression: root } : fail('which does not export it');
    }
    if (name === '*') return fail('as a whole module');
    const entry = module.exportOf(name);
    if (!entry) {
      for (const star of module.starExports) {
        const found = this.exported(target, star, name, hops + 1, seen, fail);
        if ('scope' in found) return found;
      }
      return fail('which does not export it');
    }
    if (entry.kind === 'value') return { scope: module, expression: entry.expression };
    if (entry.kind === 'from') return this.exported(target, entry.from, entry.name, hops + 1, seen, fail);
    const local = module.topLevelBinding(entry.name);
    if (local?.kind === 'import' && local.imported !== undefined) return this.exported(target, local.from, local.imported, hops + 1, seen, fail);
    if (local?.kind === 'const' && local.initializer) return { scope: module, expression: local.initializer, binding: local };
    return fail(`where \`${entry.name}\` is not a const`);
  }

  /** A JSON module, once JSON.parse accepts it, as one object expression (parsed, never evaluated) to follow like any other. */
  private jsonScope(file: WorkspaceFile): FileScope | undefined {
    const text = file.text();
    const tooLarge = unparsedBecause(text);
    if (tooLarge) throw new Error(tooLarge);
    JSON.parse(text);
    const { ts } = this;
    return new FileScope(ts, ts.createSourceFile(file.path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JSON), this);
  }
}

function sourceLengthOf(scope: FileScope | undefined): number {
  return scope ? scope.sourceFile.text.length : 0;
}

/** What to tell a user about a file the parser gave up on; a stack overflow means the code nests too deeply. */
function parseFailureMessage(error: unknown): string {
  if (error instanceof RangeError) return `it nests too deeply to parse (${error.message.toLowerCase()})`;
  return error instanceof Error ? error.message : String(error);
}

/** The expression a JSON file holds. */
function jsonRoot(ts: TypeScript, sourceFile: ts.SourceFile): ts.Expression | undefined {
  const [statement] = sourceFile.statements;
  return statement && ts.isExpressionStatement(statement) ? statement.expression : undefined;
}

/** A file's scope with every declaration recorded: one walk over the tree. */
export function recordedScope(ts: TypeScript, sourceFile: ts.SourceFile, modules?: ProjectModules): FileScope {
  const scope = new FileScope(ts, sourceFile, modules);
  const pending: ts.Node[] = [sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    scope.record(node);
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return scope;
}
