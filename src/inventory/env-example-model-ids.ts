import { snippetOf } from '../workspace/snippet.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CodeModelId } from './code-model-ids.js';
import { isTestPath, modelReferenceOf } from './model-reference.js';

/** Committed templates of a `.env`: `.env.example`, `.env.sample`, `.env.template`, `.env.local.example`. */
const ENV_TEMPLATE = /(?:^|\/)\.env(?:\.[\w-]+)*\.(?:example|sample|template)$/;
/** `KEY=value` or `export KEY=value`, as dotenv reads it. */
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(.*)$/;

/**
 * The model ids a `.env` template gives the variables the code reads as a model: a variable the code reads
 * where a model goes (`model: process.env.X`), or one whose name says model that the code reads at all. A
 * value may list several ids, separated by commas (`FALLBACK_MODELS=a/b,c/d`).
 */
export function envExampleModelIds(workspace: Workspace, readAsModel: ReadonlySet<string>): CodeModelId[] {
  if (readAsModel.size === 0) return [];
  const ids: CodeModelId[] = [];
  for (const file of workspace.searched ?? workspace.files) {
    if (!ENV_TEMPLATE.test(file.path) || file.binary || file.inPieces) continue;
    const inTest = isTestPath(file.path);
    file
      .text()
      .split(/\r?\n/)
      .forEach((line, index) => {
        const match = ASSIGNMENT.exec(line);
        if (!match) return;
        const [, lead, name, equals, rest] = match as unknown as [string, string, string, string, string];
        if (!readAsModel.has(name)) return;
        for (const { text, offset } of valuesOf(rest)) {
          const reference = modelReferenceOf(text);
          if (!reference) continue;
          const column = lead.length + name.length + equals.length + offset + 1;
          ids.push({ ...reference, inTest, file: file.path, line: index + 1, column, snippet: snippetOf(line) });
        }
      });
  }
  return ids;
}

/** The comma-separated values of a `.env` value, unquoted, with each one's offset in it; a trailing ` # comment` dropped. */
function valuesOf(raw: string): { text: string; offset: number }[] {
  let body = raw;
  let start = 0;
  const quote = body[0];
  if ((quote === '"' || quote === "'") && body.indexOf(quote, 1) > 0) {
    body = body.slice(1, body.indexOf(quote, 1));
    start = 1;
  } else {
    const comment = body.search(/\s#/);
    if (comment >= 0) body = body.slice(0, comment);
  }
  const values: { text: string; offset: number }[] = [];
  let offset = start;
  for (const part of body.split(',')) {
    const lead = part.length - part.trimStart().length;
    const text = part.trim();
    if (text) values.push({ text, offset: offset + lead });
    offset += part.length + 1;
  }
  return values;
}
