/**
 * CI runners act on commands they find in a job's output: GitHub Actions on a line that starts with
 * `::` after any spaces (the runner trims the start first), and on `##[` anywhere in a line (its older
 * syntax); Azure Pipelines on `##vso[`, TeamCity on `##teamcity[`. A report quotes untrusted text —
 * file names, audited code, API answers — so none of it may form one. Each format breaks only those
 * sequences, in its own way, so the text still reads (and parses) as it was.
 */
const COMMAND_AT_LINE_START = /^(\s*):(?=:)/gmu;
const BRACKET_COMMAND = /(##[a-z]*)\[/giu;

/**
 * Output for a terminal or a log: a zero-width space before the `::` or the `[` — invisible, not
 * whitespace to the runner's trim, and the line reads the same.
 */
export function defuseLogCommands(output: string): string {
  return defuse(output, (character) => `\u200b${character}`);
}

/** XML: the character as a character reference, which every XML reader turns back into it. */
export function defuseLogCommandsInXml(xml: string): string {
  return defuse(xml, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * JSON: `[` as `\u005b`, which every JSON reader turns back into it. A `##` can only be inside a string
 * in JSON, and no line of it can start with `::`.
 */
export function defuseLogCommandsInJson(json: string): string {
  // The Unicode line and paragraph separators too: JSON.stringify leaves them raw, and some viewers break lines at them.
  return defuse(json, unicodeEscape).replace(/[\u2028\u2029]/g, unicodeEscape);
}

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function defuse(output: string, escape: (character: ':' | '[') => string): string {
  return output
    .replace(COMMAND_AT_LINE_START, (_, space: string) => `${space}${escape(':')}`)
    .replace(BRACKET_COMMAND, (_, hashes: string) => `${hashes}${escape('[')}`);
}
