import type { Position } from './workspace.js';

/**
 * Maps UTF-16 offsets in a text to 1-based line and column. Only `\n` ends a line, as in
 * WorkspaceFile.lineText, so a finding's line and its snippet always agree (the compiler's own
 * line map also breaks at a lone `\r` and at U+2028).
 */
export function positionLookup(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}
