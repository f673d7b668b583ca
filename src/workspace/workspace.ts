import { lstatSync } from 'node:fs';
import type { Ignore } from 'ignore';
import type { SkipReason, WorkspaceSummary } from '../engine/report.js';
import { PIECE_BYTES } from './file-read.js';
import { joinedPath, rootWithSeparator, shownPath } from './file-name.js';
import type { PathBytes } from './file-name.js';
import { rulesOf } from './ignore-rules.js';
import { PARALLEL_READ_MIN_FILES } from './parallel-read.js';
import { ReadList } from './read-list.js';
import { walkTree } from './walk.js';
import { WorkspaceFile } from './workspace-file.js';
import type { FileTraits } from './workspace-file.js';

export { WorkspaceFile } from './workspace-file.js';
export type { FileTraits, Position } from './workspace-file.js';

/**
 * The audited files, in two scopes. The key and plain-http search reads every file of the set (from git,
 * or a walk): build output, vendored and minified code, binaries and files of any size. The code checks
 * analyse the source files only: generated and vendored code (below), binaries and files over
 * `scan.max_file_size` are left out of their scope, and the report says so.
 */

/** Generated or vendored code: folders with these names, at any depth. */
const GENERATED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', 'vendor']);
/** …and minified bundles (files or folders), as the gitignore pattern `*.min.js` would. */
const GENERATED_SUFFIX = '.min.js';
/** The code checks' skipped generated paths are named in the report up to this many. */
const MAX_GENERATED_NAMED = 100;

export interface WorkspaceOptions {
  /** Absolute path of the audited root. */
  root: string;
  /** gitignore-style patterns; when non-empty, only matching files are audited. */
  include: readonly string[];
  /** gitignore-style patterns excluded from both scopes (from the code scope only, with `keySearchWhole`). */
  exclude: readonly string[];
  /**
   * The key search reads every file of the set whatever `include` and `exclude` say: set when they come from
   * the audited repository's own config, which must not be able to hide a committed key from the search.
   */
  keySearchWhole?: boolean;
  /** The code checks' size limit (at most PIECE_BYTES, 16 MiB, whatever is asked); the key and URL search has none. */
  maxFileSize: number;
  /**
   * The files git listed (root-relative, `/` separators, bytes for a name that is not UTF-8): the file set
   * as git has it — no walk, and .gitignore not applied again. Absent: the tree is walked.
   */
  files?: readonly PathBytes[];
  /** What the file set is, for the report (`tracked and untracked files git does not ignore`). */
  fileSet?: string;
  /** For a `--staged` or `--changed-since` list: what an empty one means (the file checks skip with it). */
  whenEmpty?: string;
  /** From this many files on, a helper thread reads part of them (PARALLEL_READ_MIN_FILES unless a test says). */
  parallelReadMinFiles?: number;
}

export interface Workspace {
  root: string;
  /** The files the code checks analyse, read once and shared by every static check. */
  files: readonly WorkspaceFile[];
  /** Every file of the set, which the key and URL search reads; the same as `files` when absent (a workspace made in memory). */
  searched?: readonly WorkspaceFile[];
  summary: WorkspaceSummary;
  /** How many files the set lists, known before any is read. */
  listed?: number;
  /** Set when a `--staged`/`--changed-since` list is empty: why there is nothing to audit. */
  whenEmpty?: string;
}

/**
 * Sees each file's bytes while the workspace reads it, perhaps not in the order of the list (a helper thread
 * reads some): `order` sorts files as the list does. `inCode`: the file is in the code checks' scope. A file
 * too large to hold comes as several pieces in a row (same `order`), each owning what starts before `ownedEnd`.
 */
export type ByteVisitor = (file: WorkspaceFile, bytes: Buffer, order: number, inCode: boolean, ownedEnd: number) => void;

/** Why a listed file was not read. */
type FailedRead = 'unreadable' | 'symlink' | 'gone';

/** Shared, so a file's traits cost no object of its own. */
const TEXT: FileTraits = {};
const BINARY: FileTraits = { binary: true };
const IN_PIECES: FileTraits = { inPieces: true };

/** A file's traits, with `keysOnly` when the repository's scan rules left it out. */
function traitsOf(traits: FileTraits, keysOnly: boolean): FileTraits {
  return keysOnly ? { ...traits, keysOnly } : traits;
}

/**
 * A file set whose files are read on first need, once: the first look at `files`, `searched` or `summary`,
 * or `visitFileBytes`, reads every file and keeps only paths and sizes.
 */
class LoadedWorkspace implements Workspace {
  private toRead: ReadList | undefined;
  private readonly analysed: WorkspaceFile[] = [];
  private readonly all: WorkspaceFile[] = [];
  readonly listed: number;

  constructor(
    readonly root: string,
    toRead: ReadList,
    private readonly maxFileSize: number,
    private readonly tallies: WorkspaceSummary,
    readonly whenEmpty: string | undefined,
    /** git listed the files: one gone from the working tree (deleted, not yet committed) or a folder (a submodule) is passed over. */
    private readonly listedByGit: boolean,
  ) {
    this.toRead = toRead;
    this.listed = toRead.paths.length;
  }

  get files(): readonly WorkspaceFile[] {
    this.readAll(undefined);
    return this.analysed;
  }

  get searched(): readonly WorkspaceFile[] {
    this.readAll(undefined);
    return this.all;
  }

  get summary(): WorkspaceSummary {
    this.readAll(undefined);
    return this.tallies;
  }

  /**
   * Reads every file not read yet, showing each one's bytes to `visit` (in no set order when a helper
   * thread reads too); false when that was done before. The file lists and the summary keep the list's order.
   */
  readAll(visit: ByteVisitor | undefined): boolean {
    const list = this.toRead;
    if (!list) return false;
    this.toRead = undefined;
    const { paths, absolutePaths, codePaths, keysOnlyPaths } = list;
    // What each listed file turned out to be: parallel arrays, not an object per file (25,000 of them are garbage).
    const files: (WorkspaceFile | undefined)[] = new Array(paths.length);
    const failures: (FailedRead | undefined)[] = new Array(paths.length);
    const inCode = new Uint8Array(paths.length);
    let failure: { error: unknown } | undefined;
    const show = (file: WorkspaceFile, bytes: Buffer, index: number, code: boolean, ownedEnd: number): void => {
      // The bytes are only valid until the next file is read: visitors keep what they extract, never the bytes.
      if (!visit || failure !== undefined) return;
      try {
        visit(file, bytes, index, code, ownedEnd);
      } catch (error) {
        // The read goes on, so the workspace stays whole for every other check; the visitor's caller gets the error.
        failure = { error };
      }
    };
    list.read((index, outcome) => {
      if (outcome === 'unreadable' || outcome === 'symlink' || outcome === 'gone') {
        failures[index] = outcome;
      } else if (outcome === 'large') {
        const file = new WorkspaceFile(paths[index]!, absolutePaths[index]!, 0, traitsOf(IN_PIECES, keysOnlyPaths[index]!));
        const read = file.readInPieces((piece) => show(file, piece.bytes, index, false, piece.ownedEnd));
        if (typeof read === 'string') failures[index] = read;
        else files[index] = file;
      } else {
        const { bytes, binary, size } = outcome;
        const file = new WorkspaceFile(paths[index]!, absolutePaths[index]!, size, traitsOf(binary ? BINARY : TEXT, keysOnlyPaths[index]!));
        const code = codePaths[index]! && !binary && size <= this.maxFileSize;
        files[index] = file;
        inCode[index] = code ? 1 : 0;
        if (visit && failure === undefined) file.withBytesLent(bytes, () => show(file, bytes, index, code, bytes.length));
      }
    });
    for (let index = 0; index < paths.length; index++) {
      const file = files[index];
      if (file) this.tally(file, codePaths[index]!, inCode[index] === 1);
      else this.tallyFailure(paths[index]!, failures[index]!);
    }
    if (failure) throw failure.error;
    return true;
  }

  private tally(file: WorkspaceFile, codePath: boolean, inCode: boolean): void {
    const { tallies } = this;
    this.all.push(file);
    tallies.scopes!.secrets.files++;
    if (file.keysOnly) {
      tallies.scopes!.secrets.keysOnly = (tallies.scopes!.secrets.keysOnly ?? 0) + 1;
    } else if (inCode) {
      this.analysed.push(file);
      tallies.filesScanned++;
      tallies.scopes!.code.files++;
    } else if (!codePath) {
      const code = tallies.scopes!.code;
      code.generated++;
      const named = generatedPathOf(file.path);
      if (code.generatedPaths.length < MAX_GENERATED_NAMED && code.generatedPaths.at(-1) !== named && !code.generatedPaths.includes(named)) {
        code.generatedPaths.push(named);
      }
    } else {
      skipInto(tallies, file.path, file.binary ? 'binary' : 'too-large');
    }
  }

  private tallyFailure(path: string, failed: FailedRead): void {
    // git listed it: gone from the working tree (deleted, not yet committed) or a folder (a submodule): passed over.
    if (failed === 'gone' && this.listedByGit) return;
    // A walked file that vanished or turned into a folder since the walk listed it is unreadable.
    skipInto(this.tallies, path, failed === 'gone' ? 'unreadable' : failed);
  }
}

/**
 * Shows every file's bytes to `visit`: during the workspace's own read when it has not happened yet (so
 * each file is read once), else by reading each file again (or taking it from memory).
 */
export function visitFileBytes(workspace: Workspace, visit: ByteVisitor): void {
  if (workspace instanceof LoadedWorkspace && workspace.readAll(visit)) return;
  const analysed = new Set(workspace.files);
  (workspace.searched ?? workspace.files).forEach((file, index) => {
    if (!file.inPieces) {
      visit(file, file.bytes, index, analysed.has(file), file.bytes.length);
      return;
    }
    file.readInPieces((piece) => visit(file, piece.bytes, index, false, piece.ownedEnd));
  });
}

const indexes = new WeakMap<Workspace, Map<string, WorkspaceFile>>();

/** The workspace's file at a root-relative path, from one index per workspace (suppressions and reports both ask). */
export function fileAt(workspace: Workspace, path: string): WorkspaceFile | undefined {
  let byPath = indexes.get(workspace);
  if (!byPath) {
    byPath = new Map();
    for (const file of workspace.searched ?? workspace.files) byPath.set(file.path, file);
    indexes.set(workspace, byPath);
  }
  return byPath.get(path);
}

/**
 * The file set, read on first need (see LoadedWorkspace): the files git listed, or a walk of the root
 * (.gitignore applied, symlinks never followed); `scan.exclude` and `scan.include` narrow both scopes, or only
 * the code scope and the URL search with `keySearchWhole` (the files they leave out are searched for keys only).
 */
export function loadWorkspace(options: WorkspaceOptions): Workspace {
  const { root } = options;
  const configured = rulesOf(options.exclude);
  const included = rulesOf(options.include);
  // Files up to PIECE_BYTES are read whole, larger ones in pieces: the code checks' limit is clamped to it,
  // so a repository's `scan.max_file_size: 10 GiB` never makes the run hold a file whole.
  const maxFileSize = Math.min(options.maxFileSize, PIECE_BYTES);
  const toRead = new ReadList(root, PIECE_BYTES, options.parallelReadMinFiles ?? PARALLEL_READ_MIN_FILES);
  const summary = emptySummary(options.fileSet ?? (options.files ? 'listed files' : 'walk'));
  const keySearchWhole = options.keySearchWhole === true && (configured !== undefined || included !== undefined);
  const add = (shown: string, path: PathBytes, generated: boolean): void => {
    const ruledOut = (included !== undefined && !included.ignores(shown)) || (keySearchWhole && isConfiguredOut(configured, shown));
    if (ruledOut && !keySearchWhole) return;
    toRead.add(shown, path, !generated, ruledOut);
  };

  if (options.files) {
    // The walk's order (folder by folder, names compared as strings): `/` sorts before any other character.
    // Each path's key is made once, not once per comparison (25,000 paths: ~0.4 s of replaceAll otherwise).
    const listed = options.files.map((path) => {
      const shown = shownPath(path);
      return { path, shown, order: shown.replaceAll('/', '\u0000') };
    });
    listed.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const throughSymlink = symlinkedFolderTest(root);
    for (const { path, shown } of listed) {
      if (!keySearchWhole && isConfiguredOut(configured, shown)) continue;
      // Opening the file would follow the link: a listed path never reads outside the root.
      if (throughSymlink(path)) skipInto(summary, shown, 'symlink');
      else add(shown, path, isGeneratedPath(shown));
    }
  } else {
    walkTree(root, (matchPath) => !keySearchWhole && configured !== undefined && configured.ignores(matchPath), isGeneratedName, {
      file: add,
      symlink: (shown) => skipInto(summary, shown, 'symlink'),
      unreadable: (shown) => skipInto(summary, shown, 'unreadable'),
    });
  }
  const whenEmpty = toRead.paths.length === 0 ? options.whenEmpty : undefined;
  if (whenEmpty !== undefined) summary.fileSet = `${summary.fileSet}: ${whenEmpty}`;
  return new LoadedWorkspace(root, toRead, maxFileSize, summary, whenEmpty, options.files !== undefined);
}

/**
 * Whether a folder on a listed path's way is a symlink (or not a folder): git lists what its index holds,
 * and a working tree (or an index) made by hand can put a link where the index has a folder. Each folder is
 * looked at once.
 */
function symlinkedFolderTest(root: string): (path: PathBytes) => boolean {
  const base = rootWithSeparator(root);
  const verdicts = new Map<string, boolean>();
  const isLinked = (folder: PathBytes): boolean => {
    const key = typeof folder === 'string' ? folder : `\0${folder.toString('latin1')}`;
    let linked = verdicts.get(key);
    if (linked === undefined) {
      const parent = parentOf(folder);
      const stats = lstatSync(joinedPath(base, folder), { throwIfNoEntry: false });
      linked = (parent !== undefined && isLinked(parent)) || (stats !== undefined && !stats.isDirectory());
      verdicts.set(key, linked);
    }
    return linked;
  };
  return (path) => {
    const parent = parentOf(path);
    return parent !== undefined && isLinked(parent);
  };
}

/** The folder a root-relative path is in, or undefined at the root. */
function parentOf(path: PathBytes): PathBytes | undefined {
  const at = typeof path === 'string' ? path.lastIndexOf('/') : path.lastIndexOf(0x2f);
  if (at <= 0) return undefined;
  return typeof path === 'string' ? path.slice(0, at) : path.subarray(0, at);
}

/** Whether `scan.exclude` leaves out a listed path: the path or any folder on its way. */
function isConfiguredOut(configured: Ignore | undefined, path: string): boolean {
  return configured !== undefined && configured.ignores(path);
}

/**
 * Whether a root-relative path passes the scan's own rules (the generated-code excludes, `scan.exclude`,
 * `scan.include`), for checks that learn of files from elsewhere (git) and must honour them too.
 * `.gitignore` is not applied here: git answers that.
 */
export function scanFilter(options: Pick<WorkspaceOptions, 'include' | 'exclude'>): (path: string) => boolean {
  const configured = rulesOf(options.exclude);
  const included = rulesOf(options.include);
  return (path) => !isGeneratedPath(path) && !configured?.ignores(path) && (!included || included.ignores(path));
}

/** Whether a folder or file named `name` is generated or vendored code. */
function isGeneratedName(name: string, isFolder: boolean): boolean {
  return name.endsWith(GENERATED_SUFFIX) || (isFolder && GENERATED_FOLDERS.has(name));
}

/** Whether any part of a root-relative path (a folder's ends in `/`) is generated or vendored code. */
function isGeneratedPath(path: string): boolean {
  const parts = path.split('/');
  return parts.some((name, index) => isGeneratedName(name, index < parts.length - 1));
}

/** The generated path as the report names it: the folder that makes it generated (`dist/`), or the file (`app.min.js`). */
function generatedPathOf(path: string): string {
  const parts = path.split('/');
  const at = parts.findIndex((name, index) => isGeneratedName(name, index < parts.length - 1));
  return at === parts.length - 1 ? path : `${parts.slice(0, at + 1).join('/')}/`;
}

function emptySummary(fileSet: string): WorkspaceSummary {
  return {
    filesScanned: 0,
    filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
    skipped: [],
    fileSet,
    scopes: { secrets: { files: 0, keysOnly: 0 }, code: { files: 0, generated: 0, generatedPaths: [] } },
  };
}

function skipInto(summary: WorkspaceSummary, file: string, reason: SkipReason): void {
  summary.filesSkipped[reason]++;
  if (reason === 'too-large' || reason === 'unreadable') summary.skipped.push({ file, reason });
}
