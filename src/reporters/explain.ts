import { Chalk } from 'chalk';
import { docsUrlFor } from '../checks/docs-url.js';
import type { Check, CheckOptionSchema } from '../checks/types.js';
import { DOCS_WIDTH, wrapWords } from './check-list.js';
import { defuseLogCommands } from './log-commands.js';
import { printable } from './printable.js';

export interface ExplainOptions {
  color: boolean;
  /** A built-in check has a page, docs/checks/<id>.md; a plugin's docs live with the plugin. */
  builtIn: boolean;
}

/** Facts are aligned after the widest label. */
const LABEL_WIDTH = 'default severity'.length;

/**
 * `--explain <id>`: everything about one check — what it is, how it runs, whether it spends
 * credits, the options it takes under `checks.<id>` with a config example, its docs and the URL of its page.
 */
export function renderExplain(check: Check, options: ExplainOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const id = printable(check.id);
  const fact = (label: string, value: string): string => `  ${paint.dim(label.padEnd(LABEL_WIDTH))}  ${value}`;
  const lines = [
    `${paint.bold(id)} — ${printable(check.title)}`,
    '',
    fact('category', printable(check.category)),
    fact('kind', kindText(check)),
    fact('default severity', `${printable(check.defaultSeverity)} (set checks.${id} to off, warn or error to change it)`),
    fact('spends credits', check.spendsCredits ? 'yes: sends a completion capped at 1 token; --no-spend skips it' : 'no'),
    '',
    ...wrapWords(printable(check.docs), DOCS_WIDTH).map((line) => `  ${line}`),
    '',
    ...optionLines(check, paint),
  ];
  if (options.builtIn) lines.push('', `More: ${docsUrlFor(check.id)}`);
  return defuseLogCommands(`${lines.join('\n')}\n`);
}

function kindText(check: Check): string {
  if (check.kind === 'static') return 'static: reads the code, no network';
  if (check.kind === 'remote') {
    const reads = check.readsWorkspace ? ' and reads the code' : '';
    return `remote: asks the OpenRouter API${reads}; needs an API key, skipped by --offline`;
  }
  return printable(check.kind);
}

/** The options under `checks.<id>`, each with its type, default and meaning, and a config example. */
function optionLines(check: Check, paint: InstanceType<typeof Chalk>): string[] {
  const id = printable(check.id);
  const entries = Object.entries(check.options ?? {});
  if (entries.length === 0) {
    return [`Options: none besides the severity. In .openrouter-check.yml:`, '', '  checks:', `    ${id}: ${printable(check.defaultSeverity)}`];
  }
  const nameWidth = Math.max(...entries.map(([name]) => printable(name).length));
  const lines = [`Options, under checks.${id} in .openrouter-check.yml:`];
  for (const [name, schema] of entries) {
    lines.push(`  ${paint.bold(printable(name).padEnd(nameWidth))}  ${typeText(schema)}`);
    for (const line of wrapWords(printable(schema.description), DOCS_WIDTH - nameWidth)) lines.push(`  ${' '.repeat(nameWidth)}  ${paint.dim(line)}`);
  }
  const example = [`severity: ${printable(check.defaultSeverity)}`];
  for (const [name, schema] of entries) if (schema.default !== undefined) example.push(`${printable(name)}: ${yamlValue(schema.default)}`);
  lines.push('', '  checks:', `    ${id}: { ${example.join(', ')} }`);
  return lines;
}

/** `integer ≥ 0, default 14`, `string, no default`. */
function typeText(schema: CheckOptionSchema): string {
  const minimum = (schema.type === 'integer' || schema.type === 'number') && schema.minimum !== undefined ? ` ≥ ${schema.minimum}` : '';
  const fallback = schema.default === undefined ? 'no default' : `default ${yamlValue(schema.default)}`;
  return `${schema.type}${minimum}, ${fallback}`;
}

/** A value as it would be written in the YAML config: strings quoted only when YAML would misread them. */
function yamlValue(value: number | string | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[\w./-]+$/.test(value) && !/^(?:true|false|null|yes|no|on|off|~|[-+]?\d.*)$/i.test(value) ? printable(value) : JSON.stringify(value);
}
