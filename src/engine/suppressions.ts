import type { Finding } from '../checks/types.js';
import type { HitExtractor } from '../workspace/byte-scan.js';
import { snippetOf } from '../workspace/snippet.js';
import { fileAt } from '../workspace/workspace.js';
import type { Workspace, WorkspaceFile } from '../workspace/workspace.js';

/**
 * Inline suppressions: a comment on the line above a finding, in any comment syntax,
 *
 *   // openrouter-check-ignore-next-line max-tokens -- the prompt is a fixed one-word classifier
 *
 * names the checks it silences (comma-separated; none means every check) and, after `--`, why. The
 * marker counts only in a comment (`//`, `/*`, `#`, `<!--`, a `*` line of a block comment), never inside
 * a string. A suppression without a reason still applies, but is itself reported as a warning: a reviewer
 * should be able to read why a finding was waived — except for the checks in REASON_REQUIRED, which a
 * reasonless suppression does not silence at all.
 *
 * The operator decides whether suppressions apply (`--no-inline-ignores` reports them instead) and
 * whether one that silences nothing is a finding (`--report-unused-ignores`).
 */
export const SUPPRESSION_MARKER = 'openrouter-check-ignore-next-line';
const MARKER_BYTES = Buffer.from(SUPPRESSION_MARKER);

/** A key in the code is the one finding nobody may waive without saying why. */
const REASON_REQUIRED = new Set(['hardcoded-key']);

/** A directive found on a line. */
export interface Directive {
  /** Empty: every check. */
  ids: string[];
  reason: string;
  line: number;
  column: number;
  snippet: string;
}

export interface SuppressionOutcome {
  findings: Finding[];
  /** How many findings were silenced. */
  suppressed: number;
}

export interface SuppressionOptions {
  /** `--no-inline-ignores`: nothing is silenced, and each directive that would have been is reported. */
  ignoreDirectives?: boolean;
}

/** The workspace's suppressions, looked up for the checks that report file locations; remembers which were used. */
export class SuppressionIndex {
  /** Files that hold the marker at all: the others need no line decoded (a minified line can be megabytes). */
  readonly #marked = new Map<string, boolean>();
  /** `file:line` of each directive that stood above a finding, with the checks it covered (silenced, or said why not). */
  readonly #used = new Map<string, Set<string>>();

  constructor(
    private readonly workspace: Workspace,
    private readonly options: SuppressionOptions = {},
  ) {}

  #mayHoldDirective(file: WorkspaceFile): boolean {
    let marked = this.#marked.get(file.path);
    if (marked === undefined) this.#marked.set(file.path, (marked = file.bytes.includes(MARKER_BYTES)));
    return marked;
  }

  /**
   * Drops `checkId`'s findings waived by a comment on the line above; adds a warning per reasonless waiver
   * (and, for a check that requires a reason, keeps the finding). Under `ignoreDirectives` nothing is
   * dropped, and each directive that would have waived a finding is a warning.
   */
  apply(checkId: string, findings: readonly Finding[]): SuppressionOutcome {
    const kept: Finding[] = [];
    const notes = new Map<string, Finding>();
    let suppressed = 0;
    for (const finding of findings) {
      const file = finding.file === undefined ? undefined : fileAt(this.workspace, finding.file);
      const directive =
        file && finding.line !== undefined && finding.line > 1 && this.#mayHoldDirective(file) ? directiveOn(file, finding.line - 1) : undefined;
      if (!file || !directive || (directive.ids.length > 0 && !directive.ids.includes(checkId))) {
        kept.push(finding);
        continue;
      }
      const note = (message: string): void => {
        notes.set(`${file.path}:${directive.line}`, {
          message,
          severity: 'warn',
          file: file.path,
          line: directive.line,
          column: directive.column,
          snippet: directive.snippet,
        });
      };
      this.#markUsed(file.path, directive.line, checkId);
      if (this.options.ignoreDirectives) {
        kept.push(finding);
        note(`this ${SUPPRESSION_MARKER} for ${checkId} is not applied: inline suppressions are off (--no-inline-ignores)`);
        continue;
      }
      if (directive.reason === '' && REASON_REQUIRED.has(checkId)) {
        kept.push(finding);
        note(`this ${SUPPRESSION_MARKER} gives no reason, so it does not silence ${checkId}; add "-- <why it is safe>"`);
        continue;
      }
      suppressed++;
      if (directive.reason === '') note(`this ${SUPPRESSION_MARKER} for ${checkId} gives no reason; add "-- <why it is safe>"`);
    }
    return { findings: [...kept, ...notes.values()], suppressed };
  }

  /**
   * `--report-unused-ignores`: each directive (from `directivesIn`, by file) that stood above no finding of a
   * check it names that ran, as a warning keyed by the check it is reported under — the first such check, or
   * `fallbackCheck` for a directive that names none and stood above no finding at all.
   */
  unused(
    directivesByFile: ReadonlyMap<WorkspaceFile, readonly Directive[]>,
    ran: ReadonlySet<string>,
    fallbackCheck: string | undefined,
  ): Map<string, Finding[]> {
    const byCheck = new Map<string, Finding[]>();
    for (const [file, directives] of directivesByFile) {
      for (const directive of directives) {
        const used = this.#used.get(`${file.path}:${directive.line}`);
        const named = directive.ids.filter((id) => ran.has(id));
        const reportUnder = directive.ids.length === 0 ? (used ? undefined : fallbackCheck) : named.find((id) => !used?.has(id));
        if (reportUnder === undefined) continue;
        const idle = directive.ids.length === 0 ? 'any check' : named.filter((id) => !used?.has(id)).join(', ');
        const finding: Finding = {
          message: `this ${SUPPRESSION_MARKER} silences nothing for ${idle}: remove it (--report-unused-ignores)`,
          severity: 'warn',
          file: file.path,
          line: directive.line,
          column: directive.column,
          snippet: directive.snippet,
        };
        byCheck.set(reportUnder, [...(byCheck.get(reportUnder) ?? []), finding]);
      }
    }
    return byCheck;
  }

  #markUsed(path: string, line: number, checkId: string): void {
    const key = `${path}:${line}`;
    const used = this.#used.get(key) ?? new Set<string>();
    used.add(checkId);
    this.#used.set(key, used);
  }
}

/** Every directive of a file, for `--report-unused-ignores`: searched in every file of the set, like keys. */
export const directivesIn: HitExtractor<Directive & { offset: number }> = (bytes, file) => {
  if (file.binary || !bytes.includes(MARKER_BYTES)) return undefined;
  let directives: (Directive & { offset: number })[] | undefined;
  let lastLine = 0;
  for (let at = bytes.indexOf(MARKER_BYTES); at !== -1; at = bytes.indexOf(MARKER_BYTES, at + MARKER_BYTES.length)) {
    const { line } = file.positionOfByte(at);
    // One look per line: a minified line may hold the marker many times.
    if (line === lastLine) continue;
    lastLine = line;
    const directive = directiveOn(file, line);
    if (directive) (directives ??= []).push({ ...directive, offset: at });
  }
  return directives;
};

/** The directive on a line, if its marker stands in a comment and is followed by a well-formed directive. */
function directiveOn(file: WorkspaceFile, line: number): Directive | undefined {
  const text = file.lineText(line);
  const at = text.indexOf(SUPPRESSION_MARKER);
  if (at === -1) return undefined;
  // In a notebook the comment is a line of a JSON string: `"# openrouter-check-ignore-next-line max-tokens\n",`.
  const source = file.path.endsWith('.ipynb') ? notebookSourceOf(text) : { text, from: 0 };
  if (source === undefined || at < source.from || !isInComment(source.text, at - source.from)) return undefined;
  const parsed = parseDirective(withoutCommentEnd(source.text.slice(at - source.from + SUPPRESSION_MARKER.length)));
  if (!parsed) return undefined;
  return { ...parsed, line, column: at + 1, snippet: snippetOf(text) };
}

/** The code a notebook's JSON source line holds (between its quotes), and where it starts in the line. */
function notebookSourceOf(line: string): { text: string; from: number } | undefined {
  const open = line.indexOf('"');
  if (open === -1) return undefined;
  let end = line.trimEnd().length;
  if (line[end - 1] === ',') end = line.slice(0, end - 1).trimEnd().length;
  if (line[end - 1] === '"' && end - 1 > open) end--;
  if (line.slice(end - 2, end) === '\\n') end -= 2;
  return { text: line.slice(open + 1, end), from: open + 1 };
}

/**
 * Whether position `at` of a line is inside a comment that starts on the line (or in a block comment's `*`
 * line), and not inside a string: one pass from the start, tracking quotes.
 */
function isInComment(line: string, at: number): boolean {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('*') && !trimmed.startsWith('*/')) return true;
  let quote: string | undefined;
  for (let index = 0; index < at; index++) {
    const character = line[index]!;
    if (quote !== undefined) {
      if (character === '\\') index++;
      else if (character === quote) quote = undefined;
      continue;
    }
    if (character === '"' || character === "'" || character === '`') quote = character;
    else if (character === '/' && (line[index + 1] === '/' || line[index + 1] === '*')) return true;
    else if (character === '<' && line.startsWith('<!--', index)) return true;
    else if (character === '#' && (index === 0 || line[index - 1] === ' ' || line[index - 1] === '\t')) return true;
  }
  return false;
}

/** The text after the marker without what closes a block or HTML comment at the end of the line. */
function withoutCommentEnd(rest: string): string {
  let text = rest.trimEnd();
  for (const closer of ['*/', '-->']) if (text.endsWith(closer)) text = text.slice(0, -closer.length).trimEnd();
  return text;
}

const isSpace = (character: string | undefined): boolean => character === ' ' || character === '\t';
const isIdCharacter = (character: string | undefined): boolean => character !== undefined && /[\w-]/.test(character);

/**
 * ` id, id -- reason`: ids (word characters and dashes, comma-separated), then an optional `-- reason`;
 * nothing at all means every check. Read in one pass, so any padding costs its length and no more.
 */
function parseDirective(rest: string): { ids: string[]; reason: string } | undefined {
  if (rest !== '' && !isSpace(rest[0])) return undefined;
  const ids: string[] = [];
  let index = 0;
  const skipSpaces = (): void => {
    while (isSpace(rest[index])) index++;
  };
  // No id starts with `--`: there the reason starts (`-- why`, also `--why`).
  const reasonHere = (): boolean => rest.startsWith('--', index);
  skipSpaces();
  while (index < rest.length && !reasonHere()) {
    const start = index;
    while (isIdCharacter(rest[index])) index++;
    if (index === start) return undefined;
    ids.push(rest.slice(start, index));
    skipSpaces();
    if (rest[index] === ',') {
      index++;
      skipSpaces();
      if (index === rest.length || reasonHere()) return undefined;
    } else if (index < rest.length && !reasonHere()) {
      return undefined;
    }
  }
  const reason = index < rest.length ? rest.slice(index + 2).trim() : '';
  return { ids, reason };
}
