import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import type { SkipReason, WorkspaceSummary } from './report.js';

/** Excluded whatever the config says: dependencies, VCS data and build output. */
export const DEFAULT_EXCLUDES = ['node_modules/', '.git/', 'dist/', 'build/', 'coverage/', 'vendor/', '*.min.js'];

/** Git decides "binary" the same way: a NUL byte near the start. */
const BINARY_SNIFF_BYTES = 8 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Windows editors save "Unicode" as UTF-16 with one of these: full of NUL bytes, yet text that may hold a key. */
const UTF16_LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16_BE_BOM = Buffer.from([0xfe, 0xff]);

export interface WorkspaceOptions {
  /** Absolute path of the audited root. */
  root: string;
  /** gitignore-style patterns; when non-empty, only matching files are audited. */
  include: readonly string[];
  /** gitignore-style patterns excluded on top of DEFAULT_EXCLUDES. */
  exclude: readonly string[];
  maxFileSize: number;
  /**
   * Root-relative paths (`/` separators) to audit instead of walking the tree (`--changed-since`,
   * `--staged`): only these are read, under the same exclude, include and .gitignore rules.
   */
  files?: readonly string[];
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
}

/** One audited text file, read once; every static check shares it. */
export class WorkspaceFile {
  private decoded: string | undefined;
  private lineStarts: number[] | undefined;
  /** The last position asked for: findings come in file order, so the next column counts on from it. */
  private lastPosition: { offset: number; line: number; column: number } | undefined;

  constructor(
    /** Relative to the root, `/` separators. */
    readonly path: string,
    readonly absolutePath: string,
    /** The raw bytes: search these before paying for a decode. */
    readonly bytes: Buffer,
  ) {}

  /** The file as UTF-8 text, without a byte-order mark; decoded once. */
  text(): string {
    this.decoded ??= this.bytes.subarray(this.bomLength()).toString('utf8');
    return this.decoded;
  }

  /** Line and column of a byte offset into `bytes`. */
  positionOfByte(offset: number): Position {
    const starts = this.byteLineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const lineStart = low === 0 ? this.bomLength() : starts[low]!;
    // Counting from the previous position (an ASCII byte ends any sequence before it) keeps a long minified
    // line with thousands of findings linear instead of decoding its start again for each.
    const previous = this.lastPosition;
    const from =
      previous && previous.line === low + 1 && previous.offset >= lineStart && previous.offset <= offset && this.bytes[previous.offset]! < 0x80
        ? previous
        : { offset: lineStart, column: 1 };
    const column = from.column + this.bytes.subarray(from.offset, Math.max(from.offset, offset)).toString('utf8').length;
    this.lastPosition = { offset, line: low + 1, column };
    return { line: low + 1, column };
  }

  /** The text of a 1-based line, without its line ending. */
  lineText(line: number): string {
    const starts = this.byteLineStarts();
    const start = line === 1 ? this.bomLength() : starts[line - 1];
    if (start === undefined) return '';
    let end = line < starts.length ? starts[line]! - 1 : this.bytes.length;
    if (end > start && this.bytes[end - 1] === 0x0d) end--;
    return this.bytes.subarray(start, end).toString('utf8');
  }

  private bomLength(): number {
    return this.bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
  }

  private byteLineStarts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let at = this.bytes.indexOf(0x0a); at !== -1; at = this.bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
    this.lineStarts = starts;
    return starts;
  }
}

export interface Workspace {
  root: string;
  files: readonly WorkspaceFile[];
  summary: WorkspaceSummary;
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
  const { excluded, included, files, summary, skip, addFile } = collector(options);

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
      if (excluded.ignores(matchPath) || isGitIgnored(matchPath, scopedLayers)) continue;
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
  return { root, files, summary };
}

/**
 * Reads just the listed files, as fast as a pre-commit hook needs: no walk, but each path is
 * held to the rules the walk applies — its folders and itself not excluded or git-ignored
 * (the .gitignore files on its way are read once each), a regular file, text, not too large.
 * A listed path that is gone or is a folder (a submodule) is passed over silently.
 */
function loadListedFiles(options: WorkspaceOptions, paths: readonly string[]): Workspace {
  const { root } = options;
  const { excluded, included, files, summary, skip, addFile } = collector(options);
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
      if (excluded.ignores(matchPath) || isGitIgnored(matchPath, layersOf(parts.slice(0, depth - 1).join('/')))) return true;
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
  return { root, files, summary };
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

/** The rules and the tallies a scan shares, whether it walks the tree or reads a list. */
/**
 * Whether a root-relative path passes the scan's own rules (the default excludes, `scan.exclude`,
 * `scan.include`), for checks that learn of files from elsewhere (git) and must honour them too.
 * `.gitignore` is not applied here: git answers that.
 */
export function scanFilter(options: Pick<WorkspaceOptions, 'include' | 'exclude'>): (path: string) => boolean {
  const excluded = ignore().add(DEFAULT_EXCLUDES).add([...options.exclude]);
  const included = options.include.length > 0 ? ignore().add([...options.include]) : undefined;
  return (path) => !excluded.ignores(path) && (!included || included.ignores(path));
}

function collector(options: WorkspaceOptions) {
  const excluded = ignore().add(DEFAULT_EXCLUDES).add([...options.exclude]);
  const included = options.include.length > 0 ? ignore().add([...options.include]) : undefined;
  const files: WorkspaceFile[] = [];
  const summary: WorkspaceSummary = {
    filesScanned: 0,
    filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
    skipped: [],
  };
  const skip = (file: string, reason: SkipReason): void => {
    summary.filesSkipped[reason]++;
    if (reason === 'too-large' || reason === 'unreadable') summary.skipped.push({ file, reason });
  };
  const addFile = (path: string): void => {
    const absolutePath = join(options.root, path);
    const outcome = readAuditable(absolutePath, options.maxFileSize);
    if (typeof outcome === 'string') skip(path, outcome);
    else {
      files.push(new WorkspaceFile(path, absolutePath, outcome));
      summary.filesScanned++;
    }
  };
  return { excluded, included, files, summary, skip, addFile };
}

/** Git's verdict from the layered .gitignore files: the deepest matching rule wins. */
function isGitIgnored(path: string, layers: readonly IgnoreLayer[]): boolean {
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

/**
 * Reads a file once, stopping early for binaries and oversized files. UTF-16 with a byte-order mark is
 * read as text and handed on as UTF-8, like every other file.
 */
function readAuditable(file: string, maxFileSize: number): Buffer | SkipReason {
  let descriptor: number | undefined;
  try {
    // Non-blocking: a file swapped for a FIFO after the walk must not hang the open (regular files read the same).
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return 'unreadable';
    const { size } = stats;
    if (size > maxFileSize) return 'too-large';
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    let sniffed = false;
    while (filled < size) {
      // Read the sniff window first so a binary costs 8 KiB, not its whole size.
      const wanted = sniffed ? size - filled : Math.min(size, BINARY_SNIFF_BYTES) - filled;
      const read = readSync(descriptor, bytes, filled, wanted, filled);
      if (read === 0) break;
      filled += read;
      if (!sniffed && filled >= Math.min(size, BINARY_SNIFF_BYTES)) {
        sniffed = true;
        if (!isUtf16(bytes) && bytes.subarray(0, filled).includes(0)) return 'binary';
      }
    }
    const read = filled === size ? bytes : bytes.subarray(0, filled);
    const text = isUtf16(read) ? utf16AsUtf8(read) : read;
    if ((!sniffed || text !== read) && text.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return 'binary';
    return text;
  } catch {
    return 'unreadable';
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function isUtf16(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 2);
  return start.equals(UTF16_LE_BOM) || start.equals(UTF16_BE_BOM);
}

/** UTF-16 text (either byte order, after its BOM) as UTF-8 with a UTF-8 BOM, so positions count the same characters. */
function utf16AsUtf8(bytes: Buffer): Buffer {
  const units = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  if (units.subarray(0, 2).equals(UTF16_BE_BOM)) units.swap16();
  return Buffer.from(units.toString('utf16le'), 'utf8');
}
