import { existsSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { childPath, joinedPath, nameOf, rootWithSeparator, shownPath } from './file-name.js';
import type { PathBytes } from './file-name.js';
import { readIgnoreFile } from './ignore-rules.js';
import type { IgnoreRules } from './ignore-rules.js';

/**
 * The file set outside a git repository (or without git): a walk of the tree that applies .gitignore
 * files as git would. Folders of dependencies and version control (`node_modules`, `.git`) are not
 * entered; everything else is listed, generated and vendored code too (only the key and URL search reads
 * that). Symlinks are never followed.
 */

/** Not entered by the walk: dependencies installed from a registry, and version control's own data. */
const NOT_WALKED = new Set(['node_modules', '.git']);

export interface WalkVisitor {
  /**
   * A regular file: `shown` as reports name it, `path` as the file system does (bytes when not UTF-8);
   * `generated` when it or a folder on its way is generated code (`isGeneratedName`).
   */
  file(shown: string, path: PathBytes, generated: boolean): void;
  symlink(shown: string): void;
  unreadable(shown: string): void;
}

/** Whether the walk passes over an entry (`matchPath` ends in `/` for a folder): scan.exclude and scan.include. */
export type WalkFilter = (matchPath: string, name: string, isFolder: boolean) => boolean;

/** gitignore rules that apply below `scope`; `prefix` maps a root-relative path into the rules' own folder. */
interface IgnoreLayer {
  /** Root-relative directory the rules apply under ('' for the root and above). */
  scope: string;
  /** Prepended to a root-relative path to make it relative to the rules' own directory. */
  prefix: string;
  rules: IgnoreRules;
}

/** Whether a file or folder of this name is generated or vendored code (decided by the workspace). */
export type GeneratedName = (name: string, isFolder: boolean) => boolean;

/** Walks `root` folder by folder, names sorted, reporting each file, symlink and unreadable folder to `visit`. */
export function walkTree(root: string, excluded: WalkFilter, isGeneratedName: GeneratedName, visit: WalkVisitor): void {
  const base = rootWithSeparator(root);
  const walk = (directory: PathBytes, layers: readonly IgnoreLayer[], generated: boolean): void => {
    const shownDirectory = shownPath(directory);
    const listing = entriesOf(joinedPath(base, directory));
    if (listing === undefined) {
      visit.unreadable(shownDirectory || '.');
      return;
    }
    const { dirents, names } = listing;
    // A folder whose name is not UTF-8 has no string path to key its .gitignore by: its rules are not read.
    const localRules =
      typeof directory === 'string' && dirents.some((dirent) => dirent.name === '.gitignore' && dirent.isFile())
        ? readIgnoreFile(join(root, directory, '.gitignore'))
        : undefined;
    const scopedLayers = localRules ? [...layers, { scope: shownDirectory, prefix: '', rules: localRules }] : layers;

    for (let index = 0; index < dirents.length; index++) {
      const dirent = dirents[index]!;
      const name = names ? names[index]! : dirent.name;
      const shownName = typeof name === 'string' ? name : shownPath(name);
      const path = childPath(directory, name);
      const shown = shownPath(path);
      const isDirectory = dirent.isDirectory();
      if (isDirectory && NOT_WALKED.has(shownName)) continue;
      const matchPath = isDirectory ? `${shown}/` : shown;
      if (excluded(matchPath, shownName, isDirectory) || isGitIgnored(matchPath, scopedLayers)) continue;
      if (dirent.isSymbolicLink()) visit.symlink(shown);
      else if (isDirectory) walk(path, scopedLayers, generated || isGeneratedName(shownName, true));
      else if (dirent.isFile()) visit.file(shown, path, generated || isGeneratedName(shownName, false));
    }
  };
  walk('', ancestorIgnoreLayers(root), false);
}

/**
 * A folder's entries, sorted by name; undefined when it cannot be read. Read as strings (fast); a name that
 * was not UTF-8 shows as U+FFFD there, and then the folder is read again as bytes: `names` holds the real
 * names (bytes where not UTF-8), in the order of `dirents`.
 */
function entriesOf(directory: string | Buffer): { dirents: Dirent[]; names?: PathBytes[] } | undefined {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(directory, { withFileTypes: true });
  } catch {
    return undefined;
  }
  if (!dirents.some((dirent) => dirent.name.includes('\ufffd'))) return { dirents: dirents.sort(byName) };
  try {
    const raw = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' }) as unknown as Dirent<Buffer>[];
    const named = raw
      .map((dirent) => ({ dirent: dirent as unknown as Dirent, name: nameOf(dirent.name) }))
      .sort((a, b) => compare(shownPath(a.name), shownPath(b.name)));
    return { dirents: named.map((entry) => entry.dirent), names: named.map((entry) => entry.name) };
  } catch {
    return undefined;
  }
}

function byName(a: Dirent, b: Dirent): number {
  return compare(a.name, b.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

/**
 * .gitignore files between the enclosing git repository's top and the root apply too, as in git (the walk
 * runs inside a repository only when git itself cannot be run). Each is read as any ignore file is.
 */
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
