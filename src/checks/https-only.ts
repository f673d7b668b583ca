import type { Check } from './types.js';
import { searchEveryFile } from '../workspace/byte-scan.js';
import type { HitExtractor } from '../workspace/byte-scan.js';
import { snippetOf } from '../workspace/snippet.js';

const OPENROUTER_DOMAIN = 'openrouter.ai';

const check: Check = {
  id: 'https-only',
  title: 'Only https to OpenRouter',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'error',
  docs:
    'Over plain http the API key in the Authorization header and every prompt and answer cross the network unencrypted. ' +
    'Use https://openrouter.ai/api/v1 as the base URL.',
  async run(ctx) {
    const found = await searchEveryFile(ctx.workspace, plainHttpHitsIn);
    return [...found].flatMap(([file, hits]) =>
      hits.map(({ url, line, column, snippet }) => ({
        message: `${url} talks to OpenRouter over plain http; use https`,
        severity: ctx.severity,
        file: file.path,
        line,
        column,
        ...(snippet === undefined ? {} : { snippet }),
      })),
    );
  },
};

interface PlainHttpHit {
  offset: number;
  url: string;
  line: number;
  column: number;
  /** None in a binary file. */
  snippet: string | undefined;
}

/** The end of an http scheme in either case: `htt` before it is checked by hand, for `HtTp://` too. */
const SCHEME_ENDS = [Buffer.from('p://'), Buffer.from('P://')] as const;

/** The plain-http OpenRouter URLs of a file (any file of the set, binaries too), located while the scan has the bytes in hand. */
const plainHttpHitsIn: HitExtractor<PlainHttpHit> = (bytes, file) => {
  // Left out by the repository's scan rules: only the key search reads it.
  if (file.keysOnly) return undefined;
  // Most files have no http scheme at all: answered without making a generator for each (garbage adds up over a
  // tree), and the first occurrences found here are where the generator starts, so no byte is searched twice.
  const firstLower = bytes.indexOf(SCHEME_ENDS[0]);
  const firstUpper = bytes.indexOf(SCHEME_ENDS[1]);
  if (firstLower === -1 && firstUpper === -1) return undefined;
  let hits: PlainHttpHit[] | undefined;
  // One snippet per line: a minified line may hold thousands of URLs. Made at the first hit: most files have none.
  let snippets: Map<number, string> | undefined;
  for (const { offset, url } of plainHttpOpenRouterUrls(bytes, firstLower, firstUpper)) {
    const { line, column } = file.positionOfByte(offset);
    snippets ??= new Map();
    let snippet = file.binary ? undefined : snippets.get(line);
    if (snippet === undefined && !file.binary) snippets.set(line, (snippet = snippetOf(file.lineText(line))));
    (hits ??= []).push({ offset, url, line, column, snippet });
  }
  return hits;
};

/**
 * Byte offsets of `http://` URLs (any case) whose host is openrouter.ai or one of its subdomains. Searched
 * by `p://` and `P://` rather than by `://`: source is full of `https://` and of colons (a search stops at
 * each occurrence of the needle's first byte), and only a few `p://` are in a whole tree.
 */
function* plainHttpOpenRouterUrls(bytes: Buffer, firstLower: number, firstUpper: number): Generator<{ offset: number; url: string }> {
  const [lower, upper] = SCHEME_ENDS;
  let nextLower = firstLower;
  let nextUpper = firstUpper;
  while (nextLower !== -1 || nextUpper !== -1) {
    let at: number;
    if (nextUpper === -1 || (nextLower !== -1 && nextLower < nextUpper)) {
      at = nextLower;
      nextLower = bytes.indexOf(lower, at + lower.length);
    } else {
      at = nextUpper;
      nextUpper = bytes.indexOf(upper, at + upper.length);
    }
    const schemeStart = at - 3;
    if (schemeStart < 0 || !spellsHttp(bytes, schemeStart)) continue;
    // `xhttp://` or `shttp://` is another scheme, not http.
    if (schemeStart > 0 && isSchemeCharacter(bytes[schemeStart - 1]!)) continue;
    const hostStart = at + lower.length;
    let hostEnd = hostStart;
    while (hostEnd < bytes.length && isHostCharacter(bytes[hostEnd]!)) hostEnd++;
    const host = bytes.toString('latin1', hostStart, hostEnd).toLowerCase().replace(/\.$/, '');
    if (host !== OPENROUTER_DOMAIN && !host.endsWith(`.${OPENROUTER_DOMAIN}`)) continue;
    let urlEnd = hostEnd;
    while (urlEnd < bytes.length && isUrlCharacter(bytes[urlEnd]!)) urlEnd++;
    yield { offset: schemeStart, url: bytes.toString('utf8', schemeStart, urlEnd) };
  }
}

/** `http` in any case at `start`, compared byte by byte. */
function spellsHttp(bytes: Buffer, start: number): boolean {
  // ASCII letters differ from their capitals by bit 0x20 alone.
  return (bytes[start]! | 0x20) === 0x68 && (bytes[start + 1]! | 0x20) === 0x74 && (bytes[start + 2]! | 0x20) === 0x74 && (bytes[start + 3]! | 0x20) === 0x70;
}

function isSchemeCharacter(byte: number): boolean {
  return isAsciiAlphanumeric(byte) || byte === 0x2b || byte === 0x2d || byte === 0x2e; // + - .
}

function isHostCharacter(byte: number): boolean {
  return isAsciiAlphanumeric(byte) || byte === 0x2d || byte === 0x2e; // - .
}

/** Stops at whitespace, quotes, brackets and template-literal syntax that end a URL in code. */
function isUrlCharacter(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && !'"\'`<>()[]{}\\$,;'.includes(String.fromCharCode(byte));
}

function isAsciiAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

export default check;
