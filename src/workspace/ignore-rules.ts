import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';

/** CommonJS, so `require` loads it without the ESM loader's translation (measured: 2 ms against 25 ms). */
const ignore = createRequire(import.meta.url)('ignore') as typeof import('ignore');

/**
 * .gitignore files as the walk reads them when git cannot answer (outside a repository). An ignore file is
 * the audited repository's: it is read only if it is a regular file (never through a symlink, so not
 * `/dev/zero`, a FIFO or a file outside the tree) of a bounded size.
 */

/** Far above any real ignore file; a larger one is not read (its files are audited rather than left out). */
export const MAX_IGNORE_FILE_BYTES = 8 * 1024 * 1024;
/** Up to this many rules, one `ignore` matcher tests them all; past it rules are indexed (see IgnoreRules). */
const INDEXED_FROM_RULES = 256;

/** A test of a path against one ignore file's rules: the last rule that matches decides, as in git. */
export interface IgnoreRules {
  test(path: string): { ignored: boolean; unignored: boolean };
}

/** The rules of an ignore file, or undefined when it is absent, not a regular file, too large or unreadable. */
export function readIgnoreFile(file: string): IgnoreRules | undefined {
  const text = readBoundedRegularFile(file, MAX_IGNORE_FILE_BYTES);
  return text === undefined ? undefined : ignoreRules(text);
}

/** gitignore-style patterns (from the config) as rules; none when there are none. */
export function rulesOf(patterns: readonly string[]): Ignore | undefined {
  return patterns.length > 0 ? ignore().add([...patterns]) : undefined;
}

function readBoundedRegularFile(file: string, maxBytes: number): string | undefined {
  let descriptor: number | undefined;
  try {
    if (!lstatSync(file).isFile()) return undefined;
    // lstat then open leaves a moment to swap in a symlink or FIFO: O_NOFOLLOW and O_NONBLOCK close it.
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(descriptor);
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    const bytes = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(descriptor, bytes, filled, bytes.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return bytes.toString('utf8', 0, filled);
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/**
 * The rules of one ignore file. A generated file can hold 100,000 rules, and testing each path against
 * every rule made a 1,000-file walk take minutes: past INDEXED_FROM_RULES, rules are cut into runs of
 * literal rules (no wildcard: a name or a path, looked up in a map) and runs of the others (one `ignore`
 * matcher each); the last run with a match decides, which is the last matching rule, as git has it.
 */
export function ignoreRules(text: string): IgnoreRules {
  const lines = text.split(/\r?\n/);
  if (lines.length <= INDEXED_FROM_RULES) return ignore().add(text);
  const runs: (LiteralRun | PatternRun)[] = [];
  for (const line of lines) {
    const literal = literalRule(line);
    let last = runs.at(-1);
    if (literal === undefined) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (!(last instanceof PatternRun)) runs.push((last = new PatternRun()));
      last.add(line);
    } else {
      if (!(last instanceof LiteralRun)) runs.push((last = new LiteralRun()));
      last.add(literal);
    }
  }
  return {
    test(path) {
      for (let index = runs.length - 1; index >= 0; index--) {
        const verdict = runs[index]!.test(path);
        if (verdict.ignored || verdict.unignored) return verdict;
      }
      return { ignored: false, unignored: false };
    },
  };
}

interface Run {
  test(path: string): { ignored: boolean; unignored: boolean };
}

interface LiteralRule {
  /** A name matched at any depth (no slash but a trailing one), or a path from the ignore file's folder. */
  anyDepth: boolean;
  /** Lower case: `ignore` matches without regard to case, and the two kinds of run must agree. */
  text: string;
  negated: boolean;
  folderOnly: boolean;
}

/** A rule with no wildcard, escape or comment: `name`, `name/`, `/path/to/name`, `!name`. Undefined for any other line. */
function literalRule(line: string): LiteralRule | undefined {
  if (line === '' || line.startsWith('#') || /[*?[\]\\]/.test(line) || line !== line.trimEnd()) return undefined;
  const negated = line.startsWith('!');
  let text = negated ? line.slice(1) : line;
  const folderOnly = text.endsWith('/');
  if (folderOnly) text = text.slice(0, -1);
  const anyDepth = !text.includes('/');
  if (text.startsWith('/')) text = text.slice(1);
  if (text === '' || text.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return { anyDepth, text: text.toLowerCase(), negated, folderOnly };
}

/** Literal rules in order, indexed by name and by path: the last one that matches wins within the run. */
class LiteralRun implements Run {
  private readonly byName = new Map<string, { rule: LiteralRule; order: number }[]>();
  private readonly byPath = new Map<string, { rule: LiteralRule; order: number }[]>();
  private count = 0;

  add(rule: LiteralRule): void {
    const index = rule.anyDepth ? this.byName : this.byPath;
    const entry = { rule, order: this.count++ };
    const known = index.get(rule.text);
    if (known) known.push(entry);
    else index.set(rule.text, [entry]);
  }

  /** `path` ends in `/` for a folder, as the walk asks. */
  test(path: string): { ignored: boolean; unignored: boolean } {
    const isFolder = path.endsWith('/');
    const bare = (isFolder ? path.slice(0, -1) : path).toLowerCase();
    const name = bare.slice(bare.lastIndexOf('/') + 1);
    let winner: { rule: LiteralRule; order: number } | undefined;
    for (const entry of [...(this.byName.get(name) ?? []), ...(this.byPath.get(bare) ?? [])]) {
      if (entry.rule.folderOnly && !isFolder) continue;
      if (!winner || entry.order > winner.order) winner = entry;
    }
    if (!winner) return { ignored: false, unignored: false };
    return { ignored: !winner.rule.negated, unignored: winner.rule.negated };
  }
}

/** Rules with wildcards, in order, tested by one `ignore` matcher. */
class PatternRun implements Run {
  private readonly lines: string[] = [];
  private matcher: Ignore | undefined;

  add(line: string): void {
    this.lines.push(line);
  }

  test(path: string): { ignored: boolean; unignored: boolean } {
    this.matcher ??= ignore().add(this.lines);
    return this.matcher.test(path);
  }
}
