import { existsSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { childPath, joinedPath, nameOf, shownPath } from './file-name.js';
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
  /** A regular file: `shown` as reports name it, `path` as the file system does (bytes when not UTF-8). */
  file(shown: string, path: PathBytes): void;
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

/** Walks `root` folder by folder, names sorted, reporting each file, symlink and unreadable folder to `visit`. */
export function walkTree(root: string, excluded: WalkFilter, visit: WalkVisitor): void {
  const walk = (directory: PathBytes, layers: readonly IgnoreLayer[]): void => {
    const shownDirectory = shownPath(directory);
    const entries = entriesOf(joinedPath(root, directory));
    if (entries === undefined) {
      visit.unreadable(shownDirectory || '.');
      return;
    }
    // A folder whose name is not UTF-8 has no string path to key its .gitignore by: its rules are not read.
    const localRules =
      typeof directory === 'string' && entries.some((entry) => entry.name === '.gitignore' && entry.dirent.isFile())
        ? readIgnoreFile(join(root, directory, '.gitignore'))
        : undefined;
    const scopedLayers = localRules ? [...layers, { scope: shownDirectory, prefix: '', rules: localRules }] : layers;

    for (const entry of entries) {
      const path = childPath(directory, entry.name);
      const shown = shownPath(path);
      const isDirectory = entry.dirent.isDirectory();
      if (isDirectory && NOT_WALKED.has(entry.shownName)) continue;
      const matchPath = isDirectory ? `${shown}/` : shown;
      if (excluded(matchPath, entry.shownName, isDirectory) || isGitIgnored(matchPath, scopedLayers)) continue;
      if (entry.dirent.isSymbolicLink()) visit.symlink(shown);
      else if (isDirectory) walk(path, scopedLayers);
      else if (entry.dirent.isFile()) visit.file(shown, path);
    }
  };
  walk('', ancestorIgnoreLayers(root));
}

interface Entry {
  dirent: Dirent;
  name: PathBytes;
  shownName: string;
}

/**
 * A folder's entries, sorted by name; undefined when it cannot be read. Read as strings (fast); a name
 * that was not UTF-8 shows as U+FFFD there, and then the folder is read again as bytes for the real names.
 */
function entriesOf(directory: string | Buffer): Entry[] | undefined {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(directory, { withFileTypes: true });
  } catch {
    return undefined;
  }
  let entries: Entry[] = dirents.map((dirent) => ({ dirent, name: dirent.name, shownName: dirent.name }));
  if (dirents.some((dirent) => dirent.name.includes('\ufffd'))) {
    try {
      const raw = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' }) as unknown as (Dirent & { name: Buffer })[];
      entries = raw.map((dirent) => {
        const name = nameOf(dirent.name);
        return { dirent: dirent as unknown as Dirent, name, shownName: shownPath(name) };
      });
    } catch {
      return undefined;
    }
  }
  return entries.sort((a, b) => (a.shownName < b.shownName ? -1 : a.shownName > b.shownName ? 1 : 0));
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
