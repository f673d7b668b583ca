import type { Finding } from './checks/types.js';
import { snippetOf } from './snippet.js';
import { fileAt } from './workspace.js';
import type { Workspace, WorkspaceFile } from './workspace.js';

/**
 * Inline suppressions: a comment on the line above a finding, in any comment syntax,
 *
 *   // openrouter-check-ignore-next-line max-tokens -- the prompt is a fixed one-word classifier
 *
 * names the checks it silences (comma-separated; none means every check) and, after `--`, why.
 * A suppression without a reason still applies, but is itself reported as a warning: a reviewer
 * should be able to read why a finding was waived.
 */
export const SUPPRESSION_MARKER = 'openrouter-check-ignore-next-line';
const MARKER_BYTES = Buffer.from(SUPPRESSION_MARKER);

/** Ids (word characters and dashes, comma-separated), then an optional `-- reason`. */
const DIRECTIVE = /^[ \t]+([\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)?[ \t]*(?:--(.*))?$/;
/** What closes a block or HTML comment at the end of the line; not part of the reason. */
const COMMENT_CLOSERS = /(?:\*\/|-->)\s*$/;
/** What ends a source line in a notebook's JSON: the escaped newline, the closing quote, the comma. */
const NOTEBOOK_LINE_END = /(?:\\n)?"\s*,?\s*$/;

interface Directive {
  /** Empty: every check. */
  ids: string[];
  reason: string;
  line: number;
  column: number;
}

export interface SuppressionOutcome {
  findings: Finding[];
  /** How many findings were silenced. */
  suppressed: number;
}

/** The workspace's suppressions, looked up for the checks that report file locations. */
export class SuppressionIndex {
  /** Files that hold the marker at all: the others need no line decoded (a minified line can be megabytes). */
  readonly #marked = new Map<string, boolean>();

  constructor(private readonly workspace: Workspace) {}

  #mayHoldDirective(file: WorkspaceFile): boolean {
    let marked = this.#marked.get(file.path);
    if (marked === undefined) this.#marked.set(file.path, (marked = file.bytes.includes(MARKER_BYTES)));
    return marked;
  }

  /** Drops `checkId`'s findings waived by a comment on the line above; adds a warning per reasonless waiver. */
  apply(checkId: string, findings: readonly Finding[]): SuppressionOutcome {
    const kept: Finding[] = [];
    const reasonless = new Map<string, Finding>();
    let suppressed = 0;
    for (const finding of findings) {
      const file = finding.file === undefined ? undefined : fileAt(this.workspace, finding.file);
      const directive =
        file && finding.line !== undefined && finding.line > 1 && this.#mayHoldDirective(file) ? directiveOn(file, finding.line - 1) : undefined;
      if (!file || !directive || (directive.ids.length > 0 && !directive.ids.includes(checkId))) {
        kept.push(finding);
        continue;
      }
      suppressed++;
      if (directive.reason === '') {
        reasonless.set(`${file.path}:${directive.line}`, {
          message: `this ${SUPPRESSION_MARKER} for ${checkId} gives no reason; add "-- <why it is safe>"`,
          severity: 'warn',
          file: file.path,
          line: directive.line,
          column: directive.column,
          snippet: snippetOf(file.lineText(directive.line)),
        });
      }
    }
    return { findings: [...kept, ...reasonless.values()], suppressed };
  }
}

function directiveOn(file: WorkspaceFile, line: number): Directive | undefined {
  const text = file.lineText(line);
  const at = text.indexOf(SUPPRESSION_MARKER);
  if (at === -1) return undefined;
  let rest = text.slice(at + SUPPRESSION_MARKER.length).replace(COMMENT_CLOSERS, '');
  // In a notebook the comment is a line of a JSON string: `"# openrouter-check-ignore-next-line max-tokens\n",`.
  if (file.path.endsWith('.ipynb')) rest = rest.replace(NOTEBOOK_LINE_END, '');
  const match = DIRECTIVE.exec(rest === '' ? ' ' : rest);
  if (!match) return undefined;
  return {
    ids: (match[1] ?? '').split(',').map((id) => id.trim()).filter(Boolean),
    reason: (match[2] ?? '').trim(),
    line,
    column: at + 1,
  };
}
