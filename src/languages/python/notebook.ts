import { decodeJsonString, scanJson } from './json-scan.js';
import type { JsonNode } from './json-scan.js';

/** A notebook's code cells as one Python module (cells run top to bottom and share their names). */
export interface NotebookCode {
  python: string;
  /** For each UTF-16 unit of `python`, where it is written in the notebook's JSON text (-1: a line break added between cells). */
  rawOffsets: number[];
  /** Each code cell's start in `python`, with its 1-based index counting every cell (markdown too), as editors number them. */
  cells: { index: number; start: number }[];
}

/** Cell magics whose cell is still Python run by the kernel (`%%time`); any other (`%%bash`, `%%writefile`) is not. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

/** A file named .ipynb that is no notebook the audit can read: reported as a warning about that file. */
export class NotebookError extends Error {}

/**
 * The code cells of an nbformat 4 notebook. IPython magics and shell escapes (`%pip`, `!ls`) are not
 * Python: their lines become comments, and a cell magic of another language (`%%bash`) drops its whole cell.
 */
export function notebookCode(text: string): NotebookCode {
  let root: JsonNode;
  try {
    root = scanJson(text);
  } catch (error) {
    const offset = (error as { offset?: number }).offset;
    const where = offset === undefined ? '' : ` at line ${lineAt(text, offset)}`;
    throw new NotebookError(`not valid JSON${where} (${error instanceof Error ? error.message : String(error)})`);
  }
  const cellList = root.type === 'object' ? valueOf(root, 'cells') : undefined;
  if (!cellList) throw new NotebookError('no "cells" list (only nbformat 4 notebooks are read)');
  if (cellList.type !== 'array') throw new NotebookError('"cells" is not a list');
  const code: NotebookCode = { python: '', rawOffsets: [], cells: [] };
  cellList.items.forEach((cell, position) => {
    if (cell.type !== 'object') return;
    const kind = valueOf(cell, 'cell_type');
    if (kind?.type !== 'string' || decodeJsonString(text, kind).value !== 'code') return;
    const source = sourceOf(text, valueOf(cell, 'source'));
    const cellMagic = /^\s*%%(\w+)/.exec(source.value)?.[1];
    if (cellMagic !== undefined && !PYTHON_CELL_MAGICS.has(cellMagic)) return;
    if (code.python !== '' && !code.python.endsWith('\n')) {
      code.python += '\n';
      code.rawOffsets.push(-1);
    }
    code.cells.push({ index: position + 1, start: code.python.length });
    code.python += commentOutMagics(source.value);
    code.rawOffsets.push(...source.offsets);
  });
  return code;
}

/** `source` is a list of lines as Jupyter writes it, or one string. */
function sourceOf(text: string, source: JsonNode | undefined): { value: string; offsets: number[] } {
  if (source?.type === 'string') return decodeJsonString(text, source);
  const joined = { value: '', offsets: [] as number[] };
  if (source?.type !== 'array') return joined;
  for (const item of source.items) {
    if (item.type !== 'string') continue;
    const { value, offsets } = decodeJsonString(text, item);
    joined.value += value;
    joined.offsets.push(...offsets);
  }
  return joined;
}

/** Same length, so every offset still maps: `%pip install x` → `#pip install x`. */
function commentOutMagics(source: string): string {
  return source.replace(/^([ \t]*)[%!]/gm, '$1#');
}

function valueOf(object: Extract<JsonNode, { type: 'object' }>, key: string): JsonNode | undefined {
  return object.entries.find(([name]) => name === key)?.[1];
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}
