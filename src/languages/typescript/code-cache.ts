import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loads a large CommonJS package (the TypeScript compiler: 9 MB, ~350 ms through `require` here) with V8's
 * compiled code kept between runs, so a small audit costs little more than starting Node (measured on the
 * compiler: 350 -> ~190 ms). Node 20 has no compile cache of its own (`module.enableCompileCache` is 22.1+).
 *
 * Two savings: a file that is all ASCII is decoded as latin1 (the same string; Node's UTF-8 read of the
 * compiler costs ~80 ms more here), and the compiled code comes from a cache file in the operator's cache
 * folder — never in the audited repository, whose content is untrusted: a cache file is code.
 */

/** Set to `0` by an operator who wants nothing written outside the run: the compiler is then loaded uncached. */
export const CODE_CACHE_ENV = 'OPENROUTER_CHECK_CODE_CACHE';

/** The folder this tool's caches go in (XDG_CACHE_HOME, else ~/.cache), or undefined when there is none to use. */
function cacheFolder(): string | undefined {
  if (process.env[CODE_CACHE_ENV] === '0') return undefined;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return isAbsolute(base) ? join(base, 'openrouter-check') : undefined;
}

/** Roots whose folders the cache must stay out of: the audited repositories. */
const keptOutOf: string[] = [];

/** Never reads or writes a cache file inside `root` (the audited repository): call before a load. */
export function keepCodeCacheOutOf(root: string): void {
  keptOutOf.push(root);
  try {
    keptOutOf.push(realpathSync(root));
  } catch {
    // A root that cannot be resolved is kept out of by its given path.
  }
}

function isInside(folder: string, root: string): boolean {
  const path = relative(root, folder);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/**
 * A folder only this user may write, made if missing; undefined when it is shared, a symlink, or inside an
 * audited root: anyone who can write the cache can choose the code this process runs.
 */
function privateFolder(folder: string | undefined): string | undefined {
  const outOfRoots = (path: string): boolean => !keptOutOf.some((root) => isInside(path, root));
  if (folder === undefined || !outOfRoots(folder)) return undefined;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // A parent folder may be a link into an audited root.
    if (!outOfRoots(realpathSync(folder))) return undefined;
    const stats = lstatSync(folder);
    if (!stats.isDirectory()) return undefined;
    const uid = process.getuid?.();
    if (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o022) !== 0)) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/**
 * The text of a script file: latin1 when every byte is ASCII (the same string, decoded several times faster).
 * `knownAscii`: a cache file says so already (the first isAscii call of a process costs ~40 ms here).
 */
function scriptText(bytes: Buffer, knownAscii: boolean): { text: string; ascii: boolean } {
  const ascii = knownAscii || isAscii(bytes);
  return { text: bytes.toString(ascii ? 'latin1' : 'utf8'), ascii };
}

/** The cache file's name: V8 checks only a script's length, so the key names exactly which file and which V8. */
function cacheName(path: string, size: number, modified: number): string {
  const key = [process.version, process.arch, process.versions.v8, path, size, modified].join('\0');
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.v8-code`;
}

function readCache(path: string): Buffer | undefined {
  try {
    const descriptor = openSync(path, 'r');
    try {
      const stats = fstatSync(descriptor);
      const uid = process.getuid?.();
      if (!stats.isFile() || (uid !== undefined && stats.uid !== uid)) return undefined;
      return readFileSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    return undefined;
  }
}

/** Writes an exclusive temporary file with an unpredictable name, then renames it over `path`. */
function writeCache(path: string, data: Buffer): void {
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const descriptor = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(descriptor, data);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch {
    // A cache that cannot be written is only slower next time.
    rmSync(temporary, { force: true });
  }
}

/**
 * `require(specifier)` from `from` (a module URL), compiled from the code cache when one fits. When none
 * did, the cache is written as the process exits, so it holds the functions this run compiled too.
 */
export function requireWithCodeCache(from: string, specifier: string): unknown {
  const require = createRequire(from);
  const path = require.resolve(specifier);
  const bytes = readFileSync(path);
  const stats = lstatSync(path);
  const folder = privateFolder(cacheFolder());
  const name = folder === undefined ? undefined : join(folder, cacheName(path, bytes.length, stats.mtimeMs));
  // A cache written for an all-ASCII file says so in its name, which spares checking the bytes again.
  const asciiCache = name === undefined ? undefined : readCache(`${name}.ascii`);
  const cached = asciiCache ?? (name === undefined ? undefined : readCache(name));
  const { text, ascii } = scriptText(bytes, asciiCache !== undefined);
  const cachePath = name === undefined ? undefined : ascii ? `${name}.ascii` : name;
  // The same wrapper as Node's own CommonJS loader.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;
  const script = new Script(wrapped, { filename: path, ...(cached ? { cachedData: cached } : {}) });
  const module = { exports: {} as unknown, id: path, filename: path, loaded: false };
  const body = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  body.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  module.loaded = true;
  if (cachePath !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => writeCache(cachePath, script.createCachedData()));
  }
  return module.exports;
}
