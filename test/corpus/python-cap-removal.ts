import type { Node } from 'web-tree-sitter';
import { callNodes, readPythonTree } from './python-corpus-labels.js';

/** Every output cap the corpus spells, as a keyword argument or as a key of a request dict. */
const CAP_NAMES = new Set(['max_tokens', 'max_completion_tokens', 'max_output_tokens']);

/**
 * The call starting at `offset` with the caps written in its own argument list blanked out: keyword arguments
 * (`max_tokens=10`) and top-level keys of dict arguments (`json={..., "max_tokens": 10}`,
 * `extra_body={"max_tokens": 300}`, `json=dict(..., max_tokens=40)`). Blanking with spaces keeps every line and column in place.
 * Undefined when the call writes no cap in its arguments (its cap lives in a variable, a constant, a dict).
 */
export async function withInlineCapsRemoved(text: string, offset: number): Promise<string | undefined> {
  const ranges = await readPythonTree(text, (root) => {
    const call = callNodes(root)
      .filter((node) => node.startIndex === offset)
      .sort((a, b) => a.endIndex - b.endIndex)[0];
    return call ? inlineCapRanges(call) : [];
  });
  if (ranges.length === 0) return undefined;
  let edited = text;
  for (const [start, end] of ranges) edited = edited.slice(0, start) + edited.slice(start, end).replace(/[^\n]/g, ' ') + edited.slice(end);
  return edited;
}

/** [start, end) of each cap in the call's arguments, with the comma that follows it. */
function inlineCapRanges(call: Node): [number, number][] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  const ranges: [number, number][] = [];
  for (const argument of args.namedChildren) {
    if (argument?.type !== 'keyword_argument') continue;
    const name = argument.childForFieldName('name')?.text ?? '';
    const value = argument.childForFieldName('value');
    if (CAP_NAMES.has(name)) ranges.push(withTrailingComma(argument));
    else if (value?.type === 'dictionary') {
      for (const pair of value.namedChildren) {
        if (pair?.type === 'pair' && CAP_NAMES.has(stringContent(pair.childForFieldName('key')))) ranges.push(withTrailingComma(pair));
      }
    } else if (value?.type === 'call' && value.childForFieldName('function')?.text === 'dict') ranges.push(...capKeywordRanges(value));
  }
  return ranges;
}

function capKeywordRanges(call: Node): [number, number][] {
  return (call.childForFieldName('arguments')?.namedChildren ?? [])
    .filter((argument): argument is Node => argument?.type === 'keyword_argument' && CAP_NAMES.has(argument.childForFieldName('name')?.text ?? ''))
    .map(withTrailingComma);
}

function withTrailingComma(node: Node): [number, number] {
  const next = node.nextSibling;
  return [node.startIndex, next?.type === ',' ? next.endIndex : node.endIndex];
}

/** The text of a plain string literal (`"max_tokens"`), or '' for anything else. */
function stringContent(node: Node | null): string {
  if (node?.type !== 'string') return '';
  return /^(["'])(.*)\1$/s.exec(node.text)?.[2] ?? '';
}
