import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Ignore } from 'ignore';
import type { SkipReason, WorkspaceSummary } from './report.js';
import { FileCache } from './file-cache.js';
import { readWhole } from './file-read.js';
import { PARALLEL_READ_MIN_FILES } from './parallel-read.js';
import { ReadList } from './read-list.js';

/** CommonJS, so `require` loads it without the ESM loader's translation (measured: 2 ms against 25 ms). */
const ignore = createRequire(import.meta.url)('ignore') as typeof import('ignore');

/** Excluded whatever the config says: dependencies, VCS data and build output (folders with these names). */
const DEFAULT_EXCLUDED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', 'vendor']);
/** …and minified bundles (files or folders), as the gitignore pattern `*.min.js` would. */
const DEFAULT_EXCLUDED_SUFFIX = '.min.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface WorkspaceOptions {
  /** Absolute path of the audited root. */
  root: string;
  /** gitignore-style patterns; when non-empty, only matching files are audited. */
  include: readonly string[];
  /** gitignore-style patterns excluded on top of the default excludes. */
  exclude: readonly string[];
  maxFileSize: number;
  /**
   * Root-relative paths (`/` separators) to audit instead of walking the tree (`--changed-since`,
   * `--staged`): only these are read, under the same exclude, include and .gitignore rules.
   */
  files?: readonly string[];
  /** From this many files on, a helper thread reads part of them (PARALLEL_READ_MIN_FILES unless a test says). */
  parallelReadMinFiles?: number;
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
}

/** Bytes and decoded texts of files read lazily, across every workspace of the process. */
const recentlyRead = new FileCache<WorkspaceFile>(64 * 1024 * 1024);
const NO_BYTES = Buffer.alloc(0);

/**
 * One audited text file; every static check shares it. A file of a loaded workspace holds its path and
 * size only: its bytes are read again when asked for (kept in a bounded cache of recent reads), so a
 * plugin's `file.bytes` or `file.text()` may re-read the file from disk. Built-in checks ask the
 * workspace's one byte scan instead (src/analysis/byte-scan.ts), which reads each file once.
 */
export class WorkspaceFile {
  /** Set for a file made from bytes in memory (tests, plugins): those are kept. */
  private readonly held: Buffer | undefined;
  /** The bytes the workspace's read has in hand while it shows them to the byte scan (a view of a reused buffer). */
  private lent: Buffer | undefined;
  private decoded: string | undefined;
  private lineStarts: number[] | undefined;
  /** The last position asked for: findings come in file order, so the next column counts on from it. */
  private lastPosition: { offset: number; line: number; column: number } | undefined;
  /** The file's size in bytes when it was read. */
  readonly size: number;

  constructor(
    /** Relative to the root, `/` separators. */
    readonly path: string,
    readonly absolutePath: string,
    /** The bytes themselves, or the size of a file whose bytes are read from `absolutePath` on demand. */
    content: Buffer | number,
  ) {
    this.held = typeof content === 'number' ? undefined : content;
    this.size = typeof content === 'number' ? content : content.length;
  }

  /** The raw bytes: search these before paying for a decode. */
  get bytes(): Buffer {
    if (this.held) return this.held;
    if (this.lent) return this.lent;
    const cached = recentlyRead.bytesOf(this);
    if (cached) return cached;
    const read = readWhole(this.absolutePath) ?? NO_BYTES;
    recentlyRead.putBytes(this, read);
    return read;
  }

  /** While `use` runs, `bytes` (and so positions and lines) are served from `bytes` without a read. */
  withBytesLent(bytes: Buffer, use: () => void): void {
    this.lent = bytes;
    try {
      use();
    } finally {
      this.lent = undefined;
    }
  }

  /** The file as UTF-8 text, without a byte-order mark; decoded once while the file is recent. */
  text(): string {
    if (this.held) {
      this.decoded ??= this.decode(this.held);
      return this.decoded;
    }
    const cached = recentlyRead.textOf(this);
    if (cached !== undefined) return cached;
    const text = this.decode(this.bytes);
    recentlyRead.putText(this, text);
    return text;
  }

  /** Line and column of a byte offset into `bytes`. */
  positionOfByte(offset: number): Position {
    const bytes = this.bytes;
    const starts = this.byteLineStarts(bytes);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const lineStart = low === 0 ? bomLength(bytes) : starts[low]!;
    // Counting from the previous position (an ASCII byte ends any sequence before it) keeps a long minified
    // line with thousands of findings linear instead of decoding its start again for each.
    const previous = this.lastPosition;
    const from =
      previous && previous.line === low + 1 && previous.offset >= lineStart && previous.offset <= offset && bytes[previous.offset]! < 0x80
        ? previous
        : { offset: lineStart, column: 1 };
    const column = from.column + bytes.subarray(from.offset, Math.max(from.offset, offset)).toString('utf8').length;
    this.lastPosition = { offset, line: low + 1, column };
    return { line: low + 1, column };
  }

  /** The text of a 1-based line, without its line ending. */
  lineText(line: number): string {
    const bytes = this.bytes;
    const starts = this.byteLineStarts(bytes);
    const start = line === 1 ? bomLength(bytes) : starts[line - 1];
    if (start === undefined) return '';
    let end = line < starts.length ? starts[line]! - 1 : bytes.length;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    return bytes.subarray(start, end).toString('utf8');
  }

  private decode(bytes: Buffer): string {
    return bytes.subarray(bomLength(bytes)).toString('utf8');
  }

  /** Kept once computed: only files with a finding ask, and a line table is small beside the bytes. */
  private byteLineStarts(bytes: Buffer): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
    this.lineStarts = starts;
    return starts;
  }
}

function bomLength(bytes: Buffer): number {
  return bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
}

export interface Workspace {
  root: string;
  files: readonly WorkspaceFile[];
  summary: WorkspaceSummary;
}

/**
 * Sees each auditable file's bytes while the workspace reads it, perhaps not in the order of `files`
 * (a helper thread reads some): `order` sorts files as `files` does.
 */
export type ByteVisitor = (file: WorkspaceFile, bytes: Buffer, order: number) => void;

/**
 * A walked tree whose files are read on first need, once: the first look at `files` or `summary`, or
 * `visitFileBytes`, reads every file (skipping binaries and oversized ones) and keeps only paths and sizes.
 */
class LoadedWorkspace implements Workspace {
  private toRead: ReadList | undefined;
  private readonly loaded: WorkspaceFile[] = [];

  constructor(
    readonly root: string,
    toRead: ReadList,
    private readonly tallies: WorkspaceSummary,
  ) {
    this.toRead = toRead;
  }

  get files(): readonly WorkspaceFile[] {
    this.readAll(undefined);
    return this.loaded;
  }

  get summary(): WorkspaceSummary {
    this.readAll(undefined);
    return this.tallies;
  }

  /**
   * Reads every file not read yet, showing each one's bytes to `visit` (in no set order when a helper
   * thread reads too); false when that was done before. `files` and the summary keep the walk's order.
   */
  readAll(visit: ByteVisitor | undefined): boolean {
    const list = this.toRead;
    if (!list) return false;
    this.toRead = undefined;
    const { paths, absolutePaths } = list;
    const outcomes: (WorkspaceFile | SkipReason)[] = new Array(paths.length);
    let failure: { error: unknown } | undefined;
    list.read((index, outcome) => {
      if (typeof outcome === 'string') {
        outcomes[index] = outcome;
        return;
      }
      const file = new WorkspaceFile(paths[index]!, absolutePaths[index]!, outcome.length);
      outcomes[index] = file;
      // The bytes are only valid until the next file is read: visitors keep what they extract, never the bytes.
      if (visit && failure === undefined) {
        try {
          file.withBytesLent(outcome, () => visit(file, outcome, index));
        } catch (error) {
          // The read goes on, so the workspace stays whole for every other check; the visitor's caller gets the error.
          failure = { error };
        }
      }
    });
    outcomes.forEach((outcome, index) => {
      if (typeof outcome === 'string') {
        skipInto(this.tallies, paths[index]!, outcome);
      } else {
        this.loaded.push(outcome);
        this.tallies.filesScanned++;
      }
    });
    if (failure) throw failure.error;
    return true;
  }
}

/**
 * Shows every file's bytes to `visit`: during the workspace's own read when it has not happened yet (so
 * each file is read once), else by reading each file again (or taking it from memory).
 */
export function visitFileBytes(workspace: Workspace, visit: ByteVisitor): void {
  if (workspace instanceof LoadedWorkspace && workspace.readAll(visit)) return;
  workspace.files.forEach((file, index) => visit(file, file.bytes, index));
}

const indexes = new WeakMap<Workspace, Map<string, WorkspaceFile>>();

/** The workspace's file at a root-relative path, from one index per workspace (suppressions and reports both ask). */
export function fileAt(workspace: Workspace, path: string): WorkspaceFile | undefined {
  let byPath = indexes.get(workspace);
  if (!byPath) {
    byPath = new Map();
    for (const file of workspace.files) byPath.set(file.path, file);
    indexes.set(workspace, byPath);
  }
  return byPath.get(path);
}

/** gitignore rules that apply below `base`; `prefix` maps a root-relative path into base-relative. */
interface IgnoreLayer {
  /** Root-relative directory the rules apply under ('' for the root and above). */
  scope: string;
  /** Prepended to a root-relative path to make it relative to the rules' own directory. */
  prefix: string;
  rules: Ignore;
}

/**
 * Walks the root and reads every auditable file once. Ignored directories are pruned,
 * symlinks are never followed, and whatever is passed over is counted in the summary.
 */
export function loadWorkspace(options: WorkspaceOptions): Workspace {
  if (options.files) return loadListedFiles(options, options.files);
  const { root } = options;
  const { excluded, included, toRead, summary, skip, addFile } = collector(options);

  const walk = (directory: string, layers: readonly IgnoreLayer[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, directory), { withFileTypes: true });
    } catch {
      skip(directory || '.', 'unreadable');
      return;
    }
    const localRules = entries.some((entry) => entry.name === '.gitignore' && entry.isFile())
      ? readIgnoreFile(join(root, directory, '.gitignore'))
      : undefined;
    const scopedLayers = localRules ? [...layers, { scope: directory, prefix: '', rules: localRules }] : layers;

    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = directory ? `${directory}/${entry.name}` : entry.name;
      const isDirectory = entry.isDirectory();
      const matchPath = isDirectory ? `${path}/` : path;
      if (excluded(matchPath, entry.name, isDirectory) || isGitIgnored(matchPath, scopedLayers)) continue;
      if (entry.isSymbolicLink()) {
        skip(path, 'symlink');
      } else if (isDirectory) {
        walk(path, scopedLayers);
      } else if (entry.isFile() && (!included || included.ignores(path))) {
        addFile(path);
      }
    }
  };

  walk('', ancestorIgnoreLayers(root));
  return new LoadedWorkspace(root, toRead, summary);
}

/**
 * Reads just the listed files, as fast as a pre-commit hook needs: no walk, but each path is
 * held to the rules the walk applies — its folders and itself not excluded or git-ignored
 * (the .gitignore files on its way are read once each), a regular file, text, not too large.
 * A listed path that is gone or is a folder (a submodule) is passed over silently.
 */
function loadListedFiles(options: WorkspaceOptions, paths: readonly string[]): Workspace {
  const { root } = options;
  const { excluded, included, toRead, summary, skip, addFile } = collector(options);
  const layersByFolder = new Map<string, readonly IgnoreLayer[]>();
  const layersOf = (folder: string): readonly IgnoreLayer[] => {
    const cached = layersByFolder.get(folder);
    if (cached) return cached;
    const parentLayers = folder === '' ? ancestorIgnoreLayers(root) : layersOf(folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '');
    const localRules = readIgnoreFile(join(root, folder, '.gitignore'));
    const layers = localRules ? [...parentLayers, { scope: folder, prefix: '', rules: localRules }] : parentLayers;
    layersByFolder.set(folder, layers);
    return layers;
  };
  const isPassedOver = (path: string): boolean => {
    const parts = path.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const isFolder = depth < parts.length;
      const matchPath = parts.slice(0, depth).join('/') + (isFolder ? '/' : '');
      if (excluded(matchPath, parts[depth - 1]!, isFolder) || isGitIgnored(matchPath, layersOf(parts.slice(0, depth - 1).join('/')))) return true;
    }
    return false;
  };

  const unique = [...new Set(paths.filter((path) => path !== '' && !path.split('/').some((part) => part === '' || part === '.' || part === '..')))];
  for (const path of unique.sort(compareByFolders)) {
    if (isPassedOver(path)) continue;
    let entry;
    try {
      entry = lstatSync(join(root, path));
    } catch {
      continue;
    }
    if (entry.isSymbolicLink()) skip(path, 'symlink');
    else if (entry.isFile() && (!included || included.ignores(path))) addFile(path);
  }
  return new LoadedWorkspace(root, toRead, summary);
}

/** The walk's order: folder by folder, names compared as the walk sorts them. */
function compareByFolders(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    if (left[index] !== right[index]) return left[index]! < right[index]! ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * Whether a root-relative path passes the scan's own rules (the default excludes, `scan.exclude`,
 * `scan.include`), for checks that learn of files from elsewhere (git) and must honour them too.
 * `.gitignore` is not applied here: git answers that.
 */
export function scanFilter(options: Pick<WorkspaceOptions, 'include' | 'exclude'>): (path: string) => boolean {
  const configured = rulesOf(options.exclude);
  const included = rulesOf(options.include);
  return (path) => !isExcludedByDefault(path) && !configured?.ignores(path) && (!included || included.ignores(path));
}

/** gitignore-style patterns as rules to test paths against; none when there are no patterns. */
function rulesOf(patterns: readonly string[]): Ignore | undefined {
  return patterns.length > 0 ? ignore().add([...patterns]) : undefined;
}

/** Whether a folder or file named `name` is excluded by default. */
function isExcludedName(name: string, isFolder: boolean): boolean {
  return name.endsWith(DEFAULT_EXCLUDED_SUFFIX) || (isFolder && DEFAULT_EXCLUDED_FOLDERS.has(name));
}

/** Whether any part of a root-relative path (a folder's ends in `/`) is excluded by default. */
function isExcludedByDefault(path: string): boolean {
  const parts = path.split('/');
  return parts.some((name, index) => isExcludedName(name, index < parts.length - 1));
}

/**
 * The default excludes and `scan.exclude` as one test of an entry whose folders passed it already
 * (`matchPath` ends in `/` for a folder). The defaults are a name lookup, not gitignore rules: the walk
 * asks for every entry of the tree, and matching seven patterns each time cost more than the rest of it.
 */
type Exclusion = (matchPath: string, name: string, isFolder: boolean) => boolean;

function exclusionRules(exclude: readonly string[]): Exclusion {
  const configured = rulesOf(exclude);
  return (matchPath, name, isFolder) => isExcludedName(name, isFolder) || (configured !== undefined && configured.ignores(matchPath));
}

/** The rules and the tallies a scan shares, whether it walks the tree or reads a list. */
function collector(options: WorkspaceOptions) {
  const excluded = exclusionRules(options.exclude);
  const included = rulesOf(options.include);
  const toRead = new ReadList(options.root, options.maxFileSize, options.parallelReadMinFiles ?? PARALLEL_READ_MIN_FILES);
  const summary: WorkspaceSummary = {
    filesScanned: 0,
    filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
    skipped: [],
  };
  const skip = (file: string, reason: SkipReason): void => skipInto(summary, file, reason);
  // Read later, once, by LoadedWorkspace.readAll.
  const addFile = (path: string): void => toRead.add(path);
  return { excluded, included, toRead, summary, skip, addFile };
}

function skipInto(summary: WorkspaceSummary, file: string, reason: SkipReason): void {
  summary.filesSkipped[reason]++;
  if (reason === 'too-large' || reason === 'unreadable') summary.skipped.push({ file, reason });
}

/** Git's verdict from the layered .gitignore files: the deepest matching rule wins. */
function isGitIgnored(path: string, layers: readonly IgnoreLayer[]): boolean {
  if (layers.length === 0) return false;
  let ignored = false;
  for (const layer of layers) {
    if (layer.scope && !path.startsWith(`${layer.scope}/`)) continue;
    const local = layer.scope ? path.slice(layer.scope.length + 1) : path;
    const verdict = layer.rules.test(layer.prefix + local);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

/** .gitignore files between the enclosing git repository's top and the root apply too, as in git. */
function ancestorIgnoreLayers(root: string): IgnoreLayer[] {
  const ancestors: string[] = [];
  let gitTop: string | undefined;
  for (let directory = dirname(root); ; directory = dirname(directory)) {
    ancestors.unshift(directory);
    if (existsSync(join(directory, '.git'))) {
      gitTop = directory;
      break;
    }
    if (dirname(directory) === directory) break;
  }
  if (existsSync(join(root, '.git'))) gitTop = root;
  const layers: IgnoreLayer[] = [];
  const addLayer = (rulesDirectory: string, file: string): void => {
    const rules = readIgnoreFile(file);
    if (!rules) return;
    const prefix = relative(rulesDirectory, root).split(sep).join('/');
    layers.push({ scope: '', prefix: prefix ? `${prefix}/` : '', rules });
  };
  if (gitTop) {
    addLayer(gitTop, join(gitTop, '.git', 'info', 'exclude'));
    if (gitTop !== root) {
      for (const directory of ancestors.slice(ancestors.indexOf(gitTop))) addLayer(directory, join(directory, '.gitignore'));
    }
  }
  return layers;
}

function readIgnoreFile(file: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
