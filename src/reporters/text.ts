import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, CheckStatus, Finding } from '../checks/types.js';
import { NO_OPENROUTER_REQUEST } from '../inventory/questions.js';
import type { Report, ReportSummary, SkipReason, WorkspaceSummary } from '../engine/report.js';
import { MASK_PATTERN, maskKeysIn, maskSecret } from '../workspace/secrets.js';
import type { RenderOptions } from './render-options.js';
import { defuseLogCommands } from './log-commands.js';
import { printable } from './printable.js';
import { groupByCategory, isMarkedWarning, locationOf } from './report-layout.js';

/** Files named under the audit line before the rest are counted. */
const MAX_NAMED_SKIPPED_FILES = 10;

/** A message that only counts the findings listed below it says nothing new. */
const COUNT_ONLY = /^(?:no findings|\d+ errors?(?:, \d+ warnings?)?|\d+ warnings?)$/;

const STATUS_ICONS: Record<CheckStatus, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '○', error: '!' };

const SKIP_REASON_WORDS: Record<SkipReason, (count: number) => string> = {
  binary: (count) => `${count} binary`,
  'too-large': (count) => `${count} over the size limit`,
  unreadable: (count) => `${count} unreadable`,
  symlink: (count) => `${count} ${count === 1 ? 'symlink' : 'symlinks'}`,
};

/** The widest a quoted source line gets, in terminal columns, before it is cut around the column. */
const EXCERPT_WIDTH = 120;

/** UTF-16 units either side of the column laid out from a long line: far more than EXCERPT_WIDTH shows. */
const RAW_MARGIN = 1000;
/** Longer than a key: a key that reaches into the window starts within this of it, and a longer secret has 32 characters in it. */
const KEY_REACH = 80;

/** Tabs in a quoted source line become spaces up to the next multiple of this, so the caret lines up. */
const TAB_WIDTH = 4;

/**
 * The report for people: what was audited, each check by category, its findings and fix, a verdict, a
 * summary. Every untrusted text is one printable line, and no line can be a CI log command.
 */
export function renderText(report: Report, options: RenderOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];

  if (options.quiet) {
    const failing = groupByCategory(report.checks).flatMap((group) => group.checks.filter((check) => failsRun(check, options)));
    const idWidth = widestId(failing);
    for (const check of failing) lines.push(...checkBlock(check, { indent: '', idWidth, paint, options, excerpts: false }));
    if (lines.length > 0) lines.push('');
    lines.push(summaryLine(report.summary, paint));
    return defuseLogCommands(`${lines.join('\n')}\n`);
  }

  lines.push(`${paint.bold(printable(report.tool.name))} ${printable(report.tool.version)} · ${printable(report.root)}`);
  lines.push(...auditLines(report.workspace, paint));
  const remote = remoteLine(report.checks, report.remote?.host);
  if (remote !== undefined) lines.push(remote);
  const idWidth = widestId(report.checks);
  // The remote line above says why they all skipped: each check's line need not say it again.
  const remoteSkip = remote === undefined ? undefined : sharedRemoteSkipReason(report.checks);
  const quoted = new Set<string>();
  for (const group of groupByCategory(report.checks)) {
    lines.push('', paint.bold(capitalize(printable(group.category))));
    for (const check of group.checks) lines.push(...checkBlock(check, { indent: '  ', idWidth, paint, options, excerpts: true, quoted, remoteSkip }));
  }
  lines.push('');
  if (options.verbose) lines.push(paint.dim(`finished in ${report.durationMs} ms`));
  lines.push(verdictLine(report.checks, options, paint), summaryLine(report.summary, paint));
  return defuseLogCommands(`${lines.join('\n')}\n`);
}

/** Ids are padded to the widest shown so titles line up in a column. */
function widestId(checks: readonly CheckResult[]): number {
  return Math.max(0, ...checks.map((check) => check.id.length));
}

/** Whether this check's status makes the run exit 1 (what `--quiet` keeps). */
function failsRun(check: CheckResult, options: RenderOptions): boolean {
  return check.status === 'fail' || check.status === 'error' || (check.status === 'warn' && options.failOn === 'warn');
}

/**
 * What was audited: with the scopes known (every report the CLI makes), one line per scope — the files the
 * key and URL search read, and what the code checks analysed and skipped — else `N files scanned, M
 * skipped (…)`; then the skipped files that may hide a finding.
 */
function auditLines(workspace: WorkspaceSummary, paint: ChalkInstance): string[] {
  const reasons = (Object.keys(SKIP_REASON_WORDS) as SkipReason[]).filter((reason) => workspace.filesSkipped[reason] > 0);
  const breakdown = reasons.map((reason) => SKIP_REASON_WORDS[reason](workspace.filesSkipped[reason]));
  const skippedCount = reasons.reduce((total, reason) => total + workspace.filesSkipped[reason], 0);
  const lines: string[] = [];
  const { scopes } = workspace;
  if (scopes === undefined) {
    const scanned = `${workspace.filesScanned} ${workspace.filesScanned === 1 ? 'file' : 'files'} scanned`;
    lines.push(skippedCount === 0 ? `${scanned}, 0 skipped` : `${scanned}, ${skippedCount} skipped (${breakdown.join(', ')})`);
  } else {
    const from = workspace.fileSet === undefined ? '' : ` (${printable(workspace.fileSet)})`;
    const keysOnly = scopes.secrets.keysOnly ? `; ${scopes.secrets.keysOnly} of them for keys only (left out by the repository config's scan rules)` : '';
    lines.push(`keys and URLs: ${filesWord(scopes.secrets.files)} searched${from}${keysOnly}`);
    const { generated, generatedPaths } = scopes.code;
    const notAnalysed = [...(generated > 0 ? [`${generated} generated or vendored`] : []), ...breakdown];
    const skipped = generated + skippedCount;
    lines.push(`code: ${filesWord(scopes.code.files)} analysed, ${skipped === 0 ? '0 skipped' : `${skipped} skipped (${notAnalysed.join(', ')})`}`);
    if (generatedPaths.length > 0) {
      const shown = generatedPaths.slice(0, MAX_NAMED_SKIPPED_FILES).map(printable).join(', ');
      lines.push(paint.dim(`  generated or vendored, searched for keys only: ${shown}${generatedPaths.length > MAX_NAMED_SKIPPED_FILES ? ', …' : ''}`));
    }
  }

  const named = workspace.skipped.filter((entry) => entry.reason === 'too-large' || entry.reason === 'unreadable');
  for (const entry of named.slice(0, MAX_NAMED_SKIPPED_FILES)) {
    const why = entry.reason === 'too-large' ? (scopes === undefined ? 'over the size limit' : 'over the size limit: searched for keys only') : 'unreadable';
    lines.push(paint.dim(`  skipped: ${printable(entry.file)} (${why})`));
  }
  if (named.length > MAX_NAMED_SKIPPED_FILES) lines.push(paint.dim(`  … and ${named.length - MAX_NAMED_SKIPPED_FILES} more`));
  return lines;
}

function filesWord(count: number): string {
  return `${count} ${count === 1 ? 'file' : 'files'}`;
}

/**
 * Whether the remote checks ran, where the key went, and if not why: `remote checks: 4 ran against
 * openrouter.ai, 1 skipped`, or the reason they all share (`skipped — no API key: …`). None in the
 * report: no line.
 */
function remoteLine(checks: readonly CheckResult[], host: string | undefined): string | undefined {
  const remote = checks.filter((check) => check.kind === 'remote');
  if (remote.length === 0) return undefined;
  const skipped = remote.filter((check) => check.status === 'skip');
  const ran = remote.length - skipped.length;
  const skipReason = commonText(skipped.map((check) => check.message));
  if (ran === 0) {
    return `remote checks: ${skipReason === undefined ? `all ${remote.length} skipped` : `skipped — ${printable(skipReason)}`}`;
  }
  // `--require-remote` without a key fails every remote check with the same one finding.
  const failures = remote.map((check) => (check.status === 'fail' && check.findings.length === 1 ? check.findings[0]!.message : undefined));
  const failReason = remote.length > 1 && failures.every((message) => message !== undefined) ? commonText(failures) : undefined;
  if (failReason !== undefined) return `remote checks: all ${remote.length} failed — ${printable(failReason)}`;
  const against = host === undefined ? '' : ` against ${printable(host)}`;
  if (skipped.length === 0) return `remote checks: ${ran} ran${against}`;
  const why = skipReason === undefined ? '' : ` — ${printable(skipReason)}`;
  return `remote checks: ${ran} ran${against}, ${skipped.length} skipped${why}`;
}

/** The one text every item shares, or undefined when they differ or there are none. */
function commonText(texts: readonly (string | undefined)[]): string | undefined {
  const distinct = new Set(texts);
  return distinct.size === 1 ? texts[0] : undefined;
}

/**
 * The verdict, agreeing with the exit code: `✖ not ready: …` when something fails the run,
 * `⚠ ready, with warnings`, or `✔ ready`; a ready verdict says when no remote check ran. A project whose code
 * calls OpenRouter nowhere gets `○ no OpenRouter usage found …` instead of a ready it was never checked for.
 */
function verdictLine(checks: readonly CheckResult[], options: RenderOptions, paint: ChalkInstance): string {
  const count = (status: CheckStatus): number => checks.filter((check) => check.status === status).length;
  const [failed, errored, warned] = [count('fail'), count('error'), count('warn')];
  const reasons = [
    failed > 0 ? `${plural(failed, 'check')} failed` : undefined,
    errored > 0 ? `${plural(errored, 'check')} could not run` : undefined,
    warned > 0 && options.failOn === 'warn' ? `${plural(warned, 'check')} warned (--fail-on warn)` : undefined,
  ].filter((reason) => reason !== undefined);
  if (reasons.length > 0) return `${paint.red(STATUS_ICONS.fail)} ${paint.bold(`not ready: ${reasons.join(', ')}`)}`;

  // The request checks found nothing that calls OpenRouter: "ready" would claim what nobody looked at.
  const noUsage = checks.find((check) => check.status === 'skip' && check.message.startsWith(NO_OPENROUTER_REQUEST));
  if (noUsage !== undefined) {
    const where = noUsage.message.slice(NO_OPENROUTER_REQUEST.length).trim();
    const text = `no OpenRouter usage found${where === '' ? '' : ` ${printable(where)}`}: nothing to call ready${warned > 0 ? ' (with warnings)' : ''}`;
    return `${statusIcon('skip', paint)} ${paint.bold(text)}`;
  }
  const remote = checks.filter((check) => check.kind === 'remote');
  const unverified = remote.length > 0 && remote.every((check) => check.status === 'skip') ? ' (remote checks did not run)' : '';
  if (warned > 0) return `${paint.yellow(STATUS_ICONS.warn)} ${paint.bold(`ready, with warnings${unverified}`)}`;
  return `${paint.green(STATUS_ICONS.pass)} ${paint.bold(`ready${unverified}`)}`;
}

interface BlockStyle {
  indent: string;
  idWidth: number;
  paint: ChalkInstance;
  options: RenderOptions;
  /** Whether findings quote their source line (not under `--quiet`). */
  excerpts: boolean;
  /**
   * `file:line` of the source lines already quoted: one request's findings of several checks show its code once,
   * under the first, and a location line each.
   */
  quoted?: Set<string>;
  /** The skip reason every remote check shares, said once on the remote line. */
  remoteSkip?: string;
}

/** The reason every remote check skipped, when they all did for the same one. */
function sharedRemoteSkipReason(checks: readonly CheckResult[]): string | undefined {
  const remote = checks.filter((check) => check.kind === 'remote');
  if (remote.length === 0 || remote.some((check) => check.status !== 'skip')) return undefined;
  return commonText(remote.map((check) => check.message));
}

/** One check: its status line, its findings (clickable locations, the code), and the fix hint once. */
function checkBlock(check: CheckResult, { indent, idWidth, paint, options, excerpts, quoted, remoteSkip }: BlockStyle): string[] {
  const icon = statusIcon(check.status, paint);
  let heading = `${indent}${icon} ${paint.bold(check.id.padEnd(idWidth))}  ${printable(check.title)}`;
  if (check.status === 'skip' && check.kind === 'remote' && remoteSkip !== undefined && check.message === remoteSkip) heading += paint.dim(' — skipped');
  else if (check.status === 'skip') heading += paint.dim(` — skipped: ${printable(check.message)}`);
  else if (check.status === 'error') heading += ` — ${paint.red(`error: ${printable(check.message)}`)}`;
  // Beyond a count, a message says what the check learnt (a key's limit, a latency, suppressions).
  else if (!COUNT_ONLY.test(check.message)) heading += paint.dim(` — ${printable(check.message)}`);
  // A skipped check did not run: a duration would say nothing.
  if (options.verbose && check.status !== 'skip') heading += paint.dim(` (${check.durationMs} ms)`);
  const lines = [heading];

  const findingIndent = `${indent}  `;
  for (const finding of check.findings) {
    lines.push(`${findingIndent}${findingLine(check, finding, paint)}`);
    const place = finding.file !== undefined && finding.line !== undefined ? `${finding.file}:${finding.line}` : undefined;
    if (excerpts && (place === undefined || !quoted?.has(place))) lines.push(...excerptLines(finding, `${findingIndent}  `, options, paint));
    if (place !== undefined) quoted?.add(place);
  }
  const hint = options.hints[check.id];
  if (check.findings.length > 0 && hint !== undefined) lines.push(`${findingIndent}${paint.dim(`fix: ${printable(hint)}`)}`);
  return lines;
}

function findingLine(check: CheckResult, finding: Finding, paint: ChalkInstance): string {
  const marker = isMarkedWarning(check, finding) ? paint.yellow('warn: ') : '';
  const message = `${marker}${printable(finding.message)}`;
  const location = locationOf(finding);
  return location === undefined ? message : `${paint.cyan(printable(location))}  ${message}`;
}

/**
 * The code a finding points at: its real line with a caret under the column when the CLI can
 * give the line (`lineOf`) and it agrees with the finding's snippet; otherwise the snippet alone.
 * A finding without a snippet shows no code at all: its check chose not to quote the file (a
 * `.env` file's other secrets), and the report must not quote it behind the check's back.
 */
function excerptLines(finding: Finding, indent: string, options: RenderOptions, paint: ChalkInstance): string[] {
  const { file, line, column } = finding;
  if (finding.snippet === undefined) return [];
  const source = file !== undefined && line !== undefined && column !== undefined ? quotedLine(file, line, finding.snippet, options) : undefined;
  if (source !== undefined && column !== undefined && column - 1 <= source.length) {
    const excerpt = sourceExcerpt(source, column);
    if (excerpt.text === '') return [];
    const caretColour = finding.severity === 'error' ? paint.red : paint.yellow;
    const caret = excerpt.caret === undefined ? [] : [`${indent}${' '.repeat(excerpt.caret)}${caretColour('^')}`];
    return [`${indent}${excerpt.text}`, ...caret];
  }
  const snippet = printable(maskKeysIn(finding.snippet));
  return snippet === '' ? [] : [`${indent}${snippet}`];
}

/** Per render, the last line `quotedLine` read: findings on one minified line come together, and it may be megabytes long. */
const lastQuoted = new WeakMap<RenderOptions, { file: string; line: number; snippet: string; source: string | undefined }>();

/** The finding's line from `lineOf`, if it agrees with the snippet. */
function quotedLine(file: string, line: number, snippet: string, options: RenderOptions): string | undefined {
  const last = lastQuoted.get(options);
  if (last && last.file === file && last.line === line && last.snippet === snippet) return last.source;
  const read = options.lineOf?.(file, line);
  const source = read !== undefined && agreesWithSnippet(read, snippet) ? read : undefined;
  lastQuoted.set(options, { file, line, snippet, source });
  return source;
}

/** A line from `lineOf` is the finding's only if the snippet (trimmed, masked, maybe cut with `…`) starts it. */
function agreesWithSnippet(source: string, snippet: string): boolean {
  const shown = maskKeysIn(source.trim());
  return snippet.endsWith('…') ? shown.startsWith(snippet.slice(0, -1)) : shown === snippet;
}

/** A quoted source line and, when it can be placed exactly, the caret's offset in terminal columns. */
export interface SourceExcerpt {
  text: string;
  caret?: number;
}

/** One terminal cell's worth of text (or none: a combining mark), with how many columns it takes. */
interface Cell {
  text: string;
  width: number;
  /** A terminal may draw it one or two columns wide (emoji, joiners): a caret after it could be off. */
  unsure: boolean;
}

/**
 * A source line as the text report quotes it, with the caret under the 1-based UTF-16 `column`:
 * keys masked, control characters dropped, tabs expanded, indentation trimmed, and a line longer
 * than EXCERPT_WIDTH cut to a window around the column with `…` on the cut sides. The caret is
 * left out when a character before it has a width terminals disagree on.
 */
export function sourceExcerpt(line: string, column: number): SourceExcerpt {
  const index = Math.min(Math.max(column - 1, 0), line.length);
  // Keys are looked for near the column only: a minified line may hold thousands.
  const searchFrom = Math.max(0, index - RAW_MARGIN - KEY_REACH);
  const keys = [...line.slice(searchFrom, index + RAW_MARGIN + KEY_REACH).matchAll(MASK_PATTERN)].map((match) => ({
    start: searchFrom + match.index,
    end: searchFrom + match.index + match[0].length,
    key: match[0],
  }));
  // A very long line (minified code) is only laid out near the column; a key is never cut in two.
  let first = Math.max(0, index - RAW_MARGIN);
  let last = Math.min(line.length, index + RAW_MARGIN);
  for (const key of keys) {
    if (key.start < first && key.end > first) first = key.start;
    if (key.start < last && key.end > last) last = key.end;
  }
  const { cells, cellAt } = cellsOf(line, first, last, keys);
  const target = cellAt[index - first]!;

  let start = 0;
  if (first === 0) while (start < cells.length && cells[start]!.text === ' ') start++;
  let end = cells.length;
  if (last === line.length) while (end > start && end > target && cells[end - 1]!.text === ' ') end--;
  // A column inside the indentation points at nothing the excerpt shows.
  const caretKnown = target >= start && !cells.slice(start, target).some((cell) => cell.unsure);

  const widthOf = (from: number, to: number): number => cells.slice(from, to).reduce((total, cell) => total + cell.width, 0);
  let from = start;
  let to = end;
  if (widthOf(start, end) > EXCERPT_WIDTH) {
    // Room for the two `…`; the column sits near the middle, or the window hugs the nearer end.
    const budget = EXCERPT_WIDTH - 2;
    const anchor = Math.min(Math.max(target, start), end);
    from = anchor;
    to = anchor;
    let used = 0;
    while (from > start && used + cells[from - 1]!.width <= budget / 2) used += cells[--from]!.width;
    while (to < end && used + cells[to]!.width <= budget) used += cells[to++]!.width;
    while (from > start && used + cells[from - 1]!.width <= budget) used += cells[--from]!.width;
  }
  const before = from > start || first > 0 ? '…' : '';
  const after = to < end || last < line.length ? '…' : '';
  const text = `${before}${cells
    .slice(from, to)
    .map((cell) => cell.text)
    .join('')}${after}`;
  if (!caretKnown || target < from || (target >= to && after !== '')) return { text };
  return { text, caret: before.length + widthOf(from, target) };
}

interface KeyMatch {
  start: number;
  end: number;
  key: string;
}

/**
 * Splits `line.slice(first, last)` into cells, keys masked (`keys` never straddle the bounds);
 * `cellAt[i - first]` is the cell UTF-16 index `i` falls in.
 */
function cellsOf(line: string, first: number, last: number, keys: readonly KeyMatch[]): { cells: Cell[]; cellAt: number[] } {
  const cells: Cell[] = [];
  const cellAt: number[] = new Array<number>(last - first + 1).fill(0);
  let nextKey = keys.findIndex((key) => key.start >= first);
  let columnSoFar = 0;
  let index = first;
  while (index < last) {
    const key = nextKey < 0 ? undefined : keys[nextKey];
    if (key !== undefined && key.start === index) {
      nextKey++;
      // Every index inside a key points at the start of its masked form: the key is never shown.
      cellAt.fill(cells.length, key.start - first, key.end - first);
      const masked = maskSecret(key.key);
      for (const character of masked) cells.push({ text: character, width: 1, unsure: false });
      columnSoFar += masked.length;
      index = key.end;
      continue;
    }
    const codePoint = line.codePointAt(index)!;
    const size = codePoint > 0xffff ? 2 : 1;
    cellAt.fill(cells.length, index - first, index - first + size);
    const character = String.fromCodePoint(codePoint);
    if (character === '\t') {
      const spaces = TAB_WIDTH - (columnSoFar % TAB_WIDTH);
      for (let space = 0; space < spaces; space++) cells.push({ text: ' ', width: 1, unsure: false });
      columnSoFar += spaces;
    } else if (printable(character) !== '') {
      const cell = cellOf(character, codePoint);
      cells.push(cell);
      columnSoFar += cell.width;
    }
    index += size;
  }
  cellAt[last - first] = cells.length;
  return { cells, cellAt };
}

const ZERO_WIDTH = /^\p{M}$/u;
const UNSURE_WIDTH = /^(?:\p{Cf}|\p{Variation_Selector})$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;

/** East Asian wide and fullwidth blocks: two columns in every terminal. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
];

function cellOf(character: string, codePoint: number): Cell {
  if (ZERO_WIDTH.test(character)) return { text: character, width: 0, unsure: false };
  if (UNSURE_WIDTH.test(character) || (codePoint >= 0x1f000 && EMOJI.test(character))) return { text: character, width: 2, unsure: true };
  const wide = WIDE_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high);
  return { text: character, width: wide ? 2 : 1, unsure: false };
}

function statusIcon(status: CheckStatus, paint: ChalkInstance): string {
  const icon = STATUS_ICONS[status];
  if (status === 'pass') return paint.green(icon);
  if (status === 'warn') return paint.yellow(icon);
  if (status === 'skip') return paint.dim(icon);
  return paint.red(icon);
}

/** Exactly `N passed, N failed, N warned, N skipped`, plus `, N errored` only when some errored. */
function summaryLine(summary: ReportSummary, paint: ChalkInstance): string {
  const parts = [
    tint(`${summary.passed} passed`, summary.passed, paint.green),
    tint(`${summary.failed} failed`, summary.failed, paint.red),
    tint(`${summary.warned} warned`, summary.warned, paint.yellow),
    tint(`${summary.skipped} skipped`, summary.skipped, paint.dim),
  ];
  if (summary.errored > 0) parts.push(paint.red(`${summary.errored} errored`));
  return parts.join(', ');
}

function tint(text: string, count: number, colour: (text: string) => string): string {
  return count > 0 ? colour(text) : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
