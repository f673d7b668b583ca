// How CI runners read a job's output, to test that a report can never be read as a command.

/** The lines a CI runner reads: .NET's ReadLine ends a line at CR, LF or CRLF. */
export function runnerLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/);
}

/**
 * The lines a runner would act on: GitHub's `::` first after leading whitespace (its TrimStart; JS's
 * trimStart trims the same characters and U+FEFF), and `##[`, `##vso[`, `##teamcity[` anywhere.
 */
export function commandLines(output: string, { legacy = true } = {}): string[] {
  return runnerLines(output).filter((line) => line.trimStart().startsWith('::') || (legacy && /##[a-z]*\[/i.test(line)));
}

/** A workflow command read back as GitHub's runner does (ActionCommand.TryParseV2 and its unescaping). */
export function parseCommand(line: string): { name: string; properties: Record<string, string>; data: string } {
  const trimmed = line.trimStart();
  const end = trimmed.indexOf('::', 2);
  const info = trimmed.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const equals = pair.indexOf('=');
      properties[pair.slice(0, equals)] = unescape(pair.slice(equals + 1), [
        ['%0D', '\r'],
        ['%0A', '\n'],
        ['%3A', ':'],
        ['%2C', ','],
        ['%25', '%'],
      ]);
    }
  }
  return {
    name,
    properties,
    data: unescape(trimmed.slice(end + 2), [
      ['%0D', '\r'],
      ['%0A', '\n'],
      ['%25', '%'],
    ]),
  };
}

function unescape(text: string, mappings: readonly (readonly [string, string])[]): string {
  return mappings.reduce((result, [escaped, character]) => result.replaceAll(escaped, character), text);
}

/**
 * CommonMark code spans in one line of Markdown: a backtick run opens a span closed by the next run
 * of the same length; backslash escapes count outside spans only. `unbalanced` when a run has no closer.
 */
export function inlineMarkdown(line: string): { spans: string[]; outside: string; unbalanced: boolean } {
  const spans: string[] = [];
  let outside = '';
  let unbalanced = false;
  let index = 0;
  while (index < line.length) {
    if (line[index] === '\\' && index + 1 < line.length && /[!-/:-@[-`{-~]/.test(line[index + 1]!)) {
      outside += line.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (line[index] !== '`') {
      outside += line[index];
      index++;
      continue;
    }
    const run = /^`+/.exec(line.slice(index))![0];
    const closer = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    closer.lastIndex = index + run.length;
    const close = closer.exec(line);
    if (close === null) {
      unbalanced = true;
      outside += run;
      index += run.length;
      continue;
    }
    const content = line.slice(index + run.length, close.index);
    spans.push(content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '' ? content.slice(1, -1) : content);
    index = close.index + run.length;
  }
  return { spans, outside, unbalanced };
}
