/**
 * Parses an answer's body as JSON, refusing absurd nesting first: `JSON.parse` of a few MB of
 * `[[[[…` blocks the event loop for seconds (no time limit can fire meanwhile), and no OpenRouter
 * answer nests more than a handful of levels.
 */

/** OpenRouter's answers nest about 6 levels deep (`/models` → data[] → entry → pricing); this leaves room. */
export const MAX_JSON_DEPTH = 64;

export type ParsedAnswer = { ok: true; json: unknown } | { ok: false; problem: string };

export function parseJsonAnswer(text: string, maxDepth: number = MAX_JSON_DEPTH): ParsedAnswer {
  if (nestingExceeds(text, maxDepth)) return { ok: false, problem: `JSON nested more than ${maxDepth} levels deep` };
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/** One pass over the text, brackets inside strings ignored; linear, so it stays fast at the size cap. */
function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return false;
}
