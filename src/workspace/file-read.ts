import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
/** How one file is read for the audit: once, whatever it holds; UTF-16 made UTF-8; very large files in pieces. */

/** A file read whole: its bytes (UTF-8 when it was UTF-16), whether it looks binary, and its size on disk. */
export interface FileBytes {
  bytes: Buffer;
  /** A NUL byte near the start: searched for keys, never analysed as code. */
  binary: boolean;
  size: number;
}

/**
 * What reading one file gave: its bytes, or `large` (over the whole-read bound: read it in pieces with
 * readPieces), or why it could not be read. `gone` is a file deleted since it was listed, or a folder
 * where git lists a submodule: passed over without a word, as git's own listing would be out of date.
 */
export type ReadOutcome = FileBytes | 'large' | 'unreadable' | 'symlink' | 'gone';

/** Git decides "binary" the same way: a NUL byte near the start. */
const BINARY_SNIFF_BYTES = 8 * 1024;
/** Windows editors save "Unicode" as UTF-16 with one of these: full of NUL bytes, yet text that may hold a key. */
const UTF16_LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16_BE_BOM = Buffer.from([0xfe, 0xff]);

/** Most files fit one read of this many bytes, which also tells their end without a stat. */
const FIRST_READ_BYTES = 1024 * 1024;

/**
 * The most of one file held in memory at once: files up to this size (or the code-analysis size limit,
 * if that is raised above it) are read whole, larger ones in pieces of this size.
 */
export const PIECE_BYTES = 16 * 1024 * 1024;
/**
 * Consecutive pieces share this many bytes, so that whatever starts in a piece is found whole in it: a
 * key with the character after it, a key split into joined literals, a URL's scheme and host.
 */
export const PIECE_OVERLAP = 64 * 1024;

/** Not following a symlink (a file swapped for one after the listing), not blocking on a FIFO. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a file once into `bufferOf(size)` (a reused buffer) when it is at most `wholeBound` bytes; a
 * larger one is `large`. UTF-16 with a byte-order mark is handed on as UTF-8 (a buffer of its own).
 */
export function readWholeFile(file: string | Buffer, wholeBound: number, bufferOf: (size: number) => Buffer): ReadOutcome {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, OPEN_FLAGS);
    const firstRead = Math.min(wholeBound + 1, FIRST_READ_BYTES);
    let bytes = bufferOf(firstRead);
    // A regular file reads short only at its end: a short first read is the whole file, no stat needed.
    let filled = readSync(descriptor, bytes, 0, firstRead, 0);
    // Nothing read: an empty file, or a FIFO without a writer (swapped in after the listing).
    if (filled === 0 && !fstatSync(descriptor).isFile()) return 'unreadable';
    if (filled === firstRead) {
      const stats = fstatSync(descriptor);
      if (!stats.isFile()) return 'unreadable';
      const { size } = stats;
      if (size > wholeBound) return 'large';
      // The reused buffer, if large enough, already holds the first read in place; a larger one gets a copy.
      const whole = bufferOf(size);
      if (whole !== bytes) bytes.copy(whole, 0, 0, filled);
      bytes = whole;
      while (filled < size) {
        const read = readSync(descriptor, bytes, filled, size - filled, filled);
        if (read === 0) break;
        filled += read;
      }
    }
    return auditableBytes(bytes.subarray(0, filled));
  } catch (error) {
    return failedRead(error);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Why a read failed, as the summary counts it. */
export function failedRead(error: unknown): 'unreadable' | 'symlink' | 'gone' {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP') return 'symlink';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return 'gone';
  return 'unreadable';
}

/** The bytes as the checks see them: UTF-16 transcoded to UTF-8, and whether a NUL near the start makes them binary. */
export function auditableBytes(read: Buffer): FileBytes {
  const utf16 = isUtf16(read);
  const bytes = utf16 ? utf16AsUtf8(read) : read;
  // Most files are shorter than the sniff: searching them whole spares a view per file (a measurable cost over thousands).
  const head = bytes.length <= BINARY_SNIFF_BYTES ? bytes : bytes.subarray(0, BINARY_SNIFF_BYTES);
  return { bytes, binary: !utf16 && head.includes(0), size: read.length };
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
export function readWhole(file: string | Buffer): Buffer | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, OPEN_FLAGS);
    if (!fstatSync(descriptor).isFile()) return undefined;
    return auditableBytes(readFileSync(descriptor)).bytes;
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** The piece buffer no read in pieces is using now (PIECE_BYTES long), kept for the next. */
let spare: Buffer | undefined;

/** One piece of a file read in pieces: bytes from file offset `start`; what starts before `ownedEnd` is this piece's to report. */
export interface FilePiece {
  bytes: Buffer;
  start: number;
  ownedEnd: number;
}

/**
 * Reads a file of any size in pieces of PIECE_BYTES that overlap by PIECE_OVERLAP, showing each to
 * `visit` (the bytes are valid only while it runs) until it says `stop`. Reads up to the size the file had
 * when opened, so a file that keeps growing cannot keep the read going. Raw bytes: no UTF-16 transcoding.
 */
export function readPieces(file: string | Buffer, visit: (piece: FilePiece) => 'stop' | void): { size: number } | 'unreadable' | 'symlink' | 'gone' {
  let descriptor: number | undefined;
  let lent: Buffer | undefined;
  try {
    descriptor = openSync(file, OPEN_FLAGS);
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return 'unreadable';
    const { size } = stats;
    // One buffer serves every file read in pieces, one after the other (a fresh 16 MiB each cost page faults).
    const buffer =
      spare !== undefined && spare.length >= Math.min(PIECE_BYTES, size) ? spare : Buffer.allocUnsafeSlow(Math.min(PIECE_BYTES, Math.max(size, 1)));
    if (buffer === spare) spare = undefined;
    lent = buffer;
    let start = 0;
    let carried = 0;
    for (;;) {
      let filled = carried;
      const wanted = Math.min(buffer.length, size - start);
      while (filled < wanted) {
        const read = readSync(descriptor, buffer, filled, wanted - filled, start + filled);
        if (read === 0) break;
        filled += read;
      }
      const last = start + filled >= size || filled < wanted;
      const ownedEnd = last ? filled : filled - PIECE_OVERLAP;
      if (visit({ bytes: buffer.subarray(0, filled), start, ownedEnd }) === 'stop' || last) return { size: start + filled };
      buffer.copy(buffer, 0, ownedEnd, filled);
      carried = filled - ownedEnd;
      start += ownedEnd;
    }
  } catch (error) {
    return failedRead(error);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
    // A read in pieces inside another one's visit (a finding's line) got a buffer of its own: the outer one is kept.
    if (lent !== undefined && lent.length === PIECE_BYTES) spare ??= lent;
  }
}
