import { posix } from 'node:path';
import type { ByteExtractor } from '../workspace/byte-scan.js';

const HTML_FILE = /\.html?$/i;
/** `<script … src="x.js">`: the attribute in either quote style, or unquoted. */
const SCRIPT_SRC = /<script\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

/**
 * The project files an HTML page loads with `<script src>`, as root-relative paths: code in them runs in the
 * browser. A relative src is resolved against the page's folder, a `/`-rooted one against the page's folder and
 * the project root (static servers serve either); URLs to other hosts are not the project's files.
 */
export const scriptsLoadedByHtml: ByteExtractor<string[]> = (bytes, file) => {
  if (!HTML_FILE.test(file.path) || !bytes.includes('<script')) return undefined;
  const text = bytes.toString('utf8');
  const folder = posix.dirname(file.path);
  const paths: string[] = [];
  for (const match of text.matchAll(SCRIPT_SRC)) {
    const src = (match[1] ?? match[2] ?? match[3] ?? '').split(/[?#]/, 1)[0]!.trim();
    if (src === '' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) continue;
    const candidates = src.startsWith('/') ? [posix.normalize(src.slice(1)), posix.join(folder, src.slice(1))] : [posix.join(folder, src)];
    paths.push(...candidates.filter((path) => !path.startsWith('..')));
  }
  return paths.length > 0 ? paths : undefined;
};
