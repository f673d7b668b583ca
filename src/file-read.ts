import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
/** How one file is read for the audit: once, skipping binaries and oversized files, UTF-16 made UTF-8. */

/** What the checks see of one file: its bytes (UTF-8), or why it is passed over. */
export type ReadOutcome = Buffer | 'binary' | 'too-large' | 'unreadable';

/** Git decides "binary" the same way: a NUL byte near the start. */
const BINARY_SNIFF_BYTES = 8 * 1024;
/** Windows editors save "Unicode" as UTF-16 with one of these: full of NUL bytes, yet text that may hold a key. */
const UTF16_LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16_BE_BOM = Buffer.from([0xfe, 0xff]);

/** Most files fit one read of this many bytes, which also tells their end without a stat. */
const FIRST_READ_BYTES = 1024 * 1024;

/**
 * Reads a file once into `bufferOf(size)` (a reused buffer), stopping early for oversized files; binaries are
 * skipped. UTF-16 with a byte-order mark is read as text and handed on as UTF-8 (a buffer of its own), like
 * every other file.
 */
export function readAuditable(file: string, maxFileSize: number, bufferOf: (size: number) => Buffer): ReadOutcome {
  let descriptor: number | undefined;
  try {
    // Non-blocking: a file swapped for a FIFO after the walk must not hang the open (regular files read the same).
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const firstRead = Math.min(maxFileSize + 1, FIRST_READ_BYTES);
    let bytes = bufferOf(firstRead);
    // A regular file reads short only at its end: a short first read is the whole file, no stat needed.
    let filled = readSync(descriptor, bytes, 0, firstRead, 0);
    // Nothing read: an empty file, or a FIFO without a writer (swapped in after the walk).
    if (filled === 0 && !fstatSync(descriptor).isFile()) return 'unreadable';
    if (filled === firstRead) {
      const stats = fstatSync(descriptor);
      if (!stats.isFile()) return 'unreadable';
      const { size } = stats;
      if (size > maxFileSize) return 'too-large';
      if (!isUtf16(bytes) && bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return 'binary';
      const head = Buffer.from(bytes.subarray(0, filled));
      bytes = bufferOf(size);
      head.copy(bytes);
      while (filled < size) {
        const read = readSync(descriptor, bytes, filled, size - filled, filled);
        if (read === 0) break;
        filled += read;
      }
    }
    return auditableText(bytes.subarray(0, filled));
  } catch {
    return 'unreadable';
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** The bytes as the checks see them: UTF-16 transcoded to UTF-8, or 'binary' when a NUL is near the start. */
export function auditableText(read: Buffer): Buffer | 'binary' {
  const text = isUtf16(read) ? utf16AsUtf8(read) : read;
  // Most files are shorter than the sniff: searching them whole spares a view per file (a measurable cost over thousands).
  const head = text.length <= BINARY_SNIFF_BYTES ? text : text.subarray(0, BINARY_SNIFF_BYTES);
  return head.includes(0) ? 'binary' : text;
}

function isUtf16(bytes: Buffer): boolean {
  if (bytes.length < 2) return false;
  const first = bytes[0];
  const second = bytes[1];
  return (first === UTF16_LE_BOM[0] && second === UTF16_LE_BOM[1]) || (first === UTF16_BE_BOM[0] && second === UTF16_BE_BOM[1]);
}

/** UTF-16 text (either byte order, after its BOM) as UTF-8 with a UTF-8 BOM, so positions count the same characters. */
function utf16AsUtf8(bytes: Buffer): Buffer {
  const units = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  if (units.subarray(0, 2).equals(UTF16_BE_BOM)) units.swap16();
  return Buffer.from(units.toString('utf16le'), 'utf8');
}

/** A file's bytes read again after the workspace's own read (as that read saw them), or undefined if it can no longer be read. */
export function readWhole(file: string): Buffer | undefined {
  try {
    const text = auditableText(readFileSync(file));
    return text === 'binary' ? undefined : text;
  } catch {
    return undefined;
  }
}
