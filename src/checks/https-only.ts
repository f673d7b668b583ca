import type { Check } from './types.js';
import { scanBytes } from '../analysis/byte-scan.js';
import type { ByteExtractor } from '../analysis/byte-scan.js';
import { snippetOf } from '../snippet.js';

const OPENROUTER_DOMAIN = 'openrouter.ai';
const SCHEME_SEPARATOR = Buffer.from('://');

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
    const found = await scanBytes(ctx.workspace, plainHttpHitsIn);
    return [...found].flatMap(([file, hits]) =>
      hits.map(({ url, line, column, snippet }) => ({
        message: `${url} talks to OpenRouter over plain http; use https`,
        severity: ctx.severity,
        file: file.path,
        line,
        column,
        snippet,
      })),
    );
  },
};

interface PlainHttpHit {
  url: string;
  line: number;
  column: number;
  snippet: string;
}

/** The plain-http OpenRouter URLs of a file, located while the scan has the bytes in hand. */
const plainHttpHitsIn: ByteExtractor<PlainHttpHit[]> = (bytes, file) => {
  let hits: PlainHttpHit[] | undefined;
  // One snippet per line: a minified line may hold thousands of URLs.
  const snippets = new Map<number, string>();
  for (const { offset, url } of plainHttpOpenRouterUrls(bytes)) {
    const { line, column } = file.positionOfByte(offset);
    let snippet = snippets.get(line);
    if (snippet === undefined) snippets.set(line, (snippet = snippetOf(file.lineText(line))));
    (hits ??= []).push({ url, line, column, snippet });
  }
  return hits;
};

/** Byte offsets of `http://` URLs (any case) whose host is openrouter.ai or one of its subdomains. */
function* plainHttpOpenRouterUrls(bytes: Buffer): Generator<{ offset: number; url: string }> {
  for (let at = bytes.indexOf(SCHEME_SEPARATOR); at !== -1; at = bytes.indexOf(SCHEME_SEPARATOR, at + 3)) {
    const schemeStart = at - 4;
    if (schemeStart < 0 || !spellsHttp(bytes, schemeStart)) continue;
    // `xhttp://` or `shttp://` is another scheme, not http.
    if (schemeStart > 0 && isSchemeCharacter(bytes[schemeStart - 1]!)) continue;
    let hostEnd = at + 3;
    while (hostEnd < bytes.length && isHostCharacter(bytes[hostEnd]!)) hostEnd++;
    const host = bytes.toString('latin1', at + 3, hostEnd).toLowerCase().replace(/\.$/, '');
    if (host !== OPENROUTER_DOMAIN && !host.endsWith(`.${OPENROUTER_DOMAIN}`)) continue;
    let urlEnd = hostEnd;
    while (urlEnd < bytes.length && isUrlCharacter(bytes[urlEnd]!)) urlEnd++;
    yield { offset: schemeStart, url: bytes.toString('utf8', schemeStart, urlEnd) };
  }
}

/** `http` in any case at `start`, compared byte by byte: most `://` are `https://`, and this runs at each. */
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
