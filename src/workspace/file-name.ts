import { isUtf8 } from 'node:buffer';
import { join, sep } from 'node:path';

/**
 * File names are bytes: on Linux a name need not be UTF-8. Such a file is audited like any other, read
 * by its bytes, and shown with each byte that is not part of valid UTF-8 escaped as `\xff`.
 */

/** A root-relative path: a string when its bytes are UTF-8, else the bytes themselves. */
export type PathBytes = string | Buffer;

/** The name as bytes read it: a string when it is UTF-8 (nearly always), else the bytes. */
export function nameOf(bytes: Buffer): PathBytes {
  return isUtf8(bytes) ? bytes.toString('utf8') : Buffer.from(bytes);
}

/** A path as reports show it: UTF-8 decoded, every byte of an invalid sequence as `\xNN`. */
export function shownPath(path: PathBytes): string {
  if (typeof path === 'string') return path;
  let shown = '';
  let from = 0;
  for (let at = 0; at < path.length; ) {
    const length = validSequenceAt(path, at);
    if (length > 0) {
      at += length;
      continue;
    }
    shown += path.toString('utf8', from, at) + `\\x${path[at]!.toString(16).padStart(2, '0')}`;
    from = ++at;
  }
  return shown + path.toString('utf8', from);
}

/** The length of the well-formed UTF-8 sequence at `at` (Unicode's table 3-7), or 0. */
function validSequenceAt(bytes: Buffer, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  const within = (offset: number, low: number, high: number): boolean => {
    const byte = bytes[at + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return within(1, 0x80, 0xbf) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return within(1, low, high) && within(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return within(1, low, high) && within(2, 0x80, 0xbf) && within(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/** `root/path` for the file system: a string, or bytes when the path is not UTF-8. `root` ends in a separator. */
export function joinedPath(root: string, path: PathBytes): string | Buffer {
  if (typeof path !== 'string') return Buffer.concat([Buffer.from(root), path]);
  return sep === '/' ? root + path : join(root, path);
}

/** The root with one separator at its end, as joinedPath takes it. */
export function rootWithSeparator(root: string): string {
  return root.endsWith(sep) ? root : `${root}${sep}`;
}

/** `path/name` for paths that may be bytes. */
export function childPath(directory: PathBytes, name: PathBytes): PathBytes {
  if (typeof directory === 'string' && typeof name === 'string') return directory ? `${directory}/${name}` : name;
  const parts = [Buffer.from(directory), Buffer.from(name)];
  return directory.length === 0 ? parts[1]! : Buffer.concat([parts[0]!, Buffer.from('/'), parts[1]!]);
}
