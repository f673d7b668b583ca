import { printable } from './printable.js';

// The step summary is Markdown that GitHub renders on the run's page. The text it shows — file
// names, messages — comes from the audited repository and must show as written: no link, image,
// HTML tag, emphasis, table cell or list it could open.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Inline Markdown characters, escaped wherever they are: CommonMark lets any ASCII punctuation be. */
const INLINE_MARKUP = /[\\`*_[\]|~$]/g;

/** What opens a block at the start of a line: a heading, a list item, a thematic break. */
const BLOCK_START = /^(?:[#+=-]|\d+(?=[.)]))/;

/** One line of text that renders exactly as written, in a paragraph, a list item or a table cell. */
export function markdownText(text: string): string {
  const inline = printable(text)
    .trimStart()
    .replace(/[&<>]/g, (character) => ENTITIES[character]!)
    .replace(INLINE_MARKUP, '\\$&');
  return inline.replace(BLOCK_START, (opening) => (/\d/.test(opening) ? `${opening}\\` : `\\${opening}`));
}

/**
 * A code span that holds the text literally, backticks included: its fence is one backtick longer
 * than the longest run inside, and a space pads content that starts or ends with a backtick.
 */
export function codeSpan(text: string): string {
  const content = printable(text);
  const longestRun = Math.max(0, ...Array.from(content.matchAll(/`+/g), (run) => run[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '');
  const pad = padded ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}
