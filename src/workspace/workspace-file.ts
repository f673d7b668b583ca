import { FileCache } from './file-cache.js';
import { readPieces, readWhole } from './file-read.js';
import type { FilePiece } from './file-read.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NO_BYTES = Buffer.alloc(0);
/** The start of a line that began in an earlier piece, kept so its snippet starts where the line does. */
const LINE_HEAD_BYTES = 16 * 1024;
/** A line of a file read in pieces, as `lineText` gives it: its start, which is all a snippet shows. */
const MAX_PIECE_LINE_BYTES = 1024 * 1024;

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
}

/** Bytes and decoded texts of files read lazily, across every workspace of the process. */
const recentlyRead = new FileCache<WorkspaceFile>(64 * 1024 * 1024);

/** What a file of a loaded workspace is, as its one read found it. */
export interface FileTraits {
  /** A NUL byte near the start: only searched for keys and URLs. */
  binary?: boolean;
  /** Too large to hold: read in pieces (readPieces), never whole. */
  inPieces?: boolean;
  /** Left out by a repository config's scan rules: still searched for keys (a pull request cannot hide one), for nothing else. */
  keysOnly?: boolean;
}

/** Where a lent piece sits in its file: the line and column of its first byte, and the start of that line. */
interface PieceStart {
  start: number;
  line: number;
  column: number;
  /** The line's bytes before the piece (at most LINE_HEAD_BYTES of them). */
  lineHead: Buffer;
}

/**
 * One audited file; every static check shares it. A file of a loaded workspace holds its path and
 * size only: its bytes are read again when asked for (kept in a bounded cache of recent reads), so a
 * plugin's `file.bytes` or `file.text()` may re-read the file from disk. Built-in checks ask the
 * workspace's one byte scan instead (src/workspace/byte-scan.ts), which reads each file once.
 */
export class WorkspaceFile {
  /** Set for a file made from bytes in memory (tests, plugins): those are kept. */
  private readonly held: Buffer | undefined;
  /** The bytes the workspace's read has in hand while it shows them to the byte scan (a view of a reused buffer). */
  private lent: Buffer | undefined;
  /** Set while a piece of a file read in pieces is lent. */
  private lentPiece: PieceStart | undefined;
  private decoded: string | undefined;
  private lineStarts: number[] | undefined;
  /** The last position asked for: findings come in file order, so the next column counts on from it. */
  private lastPosition: { offset: number; line: number; column: number } | undefined;
  #size: number;
  readonly binary: boolean;
  readonly inPieces: boolean;
  readonly keysOnly: boolean;

  constructor(
    /** Relative to the root, `/` separators; a name that is not UTF-8 has its odd bytes escaped (`\xff`). */
    readonly path: string,
    /** Bytes when the name is not UTF-8. */
    readonly absolutePath: string | Buffer,
    /** The bytes themselves, or the size of a file whose bytes are read from `absolutePath` on demand. */
    content: Buffer | number,
    traits: FileTraits = {},
  ) {
    this.held = typeof content === 'number' ? undefined : content;
    this.#size = typeof content === 'number' ? content : content.length;
    this.binary = traits.binary === true;
    this.inPieces = traits.inPieces === true;
    this.keysOnly = traits.keysOnly === true;
  }

  /** The file's size in bytes when it was read. */
  get size(): number {
    return this.#size;
  }

  /** The raw bytes: search these before paying for a decode. Empty for a file read in pieces, unless a piece is lent. */
  get bytes(): Buffer {
    if (this.held) return this.held;
    if (this.lent) return this.lent;
    if (this.inPieces) return NO_BYTES;
    const cached = recentlyRead.bytesOf(this);
    if (cached) return cached;
    const read = readWhole(this.absolutePath) ?? NO_BYTES;
    recentlyRead.putBytes(this, read);
    return read;
  }

  /** While `use` runs, `bytes` (and so positions and lines) are served from `bytes` without a read. */
  withBytesLent(bytes: Buffer, use: () => void): void {
    this.lent = bytes;
    try {
      use();
    } finally {
      this.lent = undefined;
    }
  }

  /**
   * Shows each piece of a file too large to hold to `use`, with `bytes` the piece and positions and lines
   * counted from the file's start; returns what readPieces does.
   */
  readInPieces(use: (piece: FilePiece) => 'stop' | void): ReturnType<typeof readPieces> {
    let next: PieceStart = { start: 0, line: 1, column: 1, lineHead: NO_BYTES };
    const read = readPieces(this.absolutePath, (piece) => {
      this.lent = piece.bytes;
      this.lentPiece = next;
      this.lineStarts = undefined;
      this.lastPosition = undefined;
      try {
        if (use(piece) === 'stop') return 'stop';
        next = this.pieceStartAt(piece.bytes, piece.start + piece.ownedEnd);
        return undefined;
      } finally {
        this.lent = undefined;
        this.lentPiece = undefined;
        this.lineStarts = undefined;
        this.lastPosition = undefined;
      }
    });
    if (typeof read !== 'string') this.#size = read.size;
    return read;
  }

  /** The file as UTF-8 text, without a byte-order mark; decoded once while the file is recent. */
  text(): string {
    if (this.held) {
      this.decoded ??= this.decode(this.held);
      return this.decoded;
    }
    const cached = recentlyRead.textOf(this);
    if (cached !== undefined) return cached;
    const text = this.decode(this.bytes);
    recentlyRead.putText(this, text);
    return text;
  }

  /** Line and column of a byte offset into `bytes` (into the lent piece, while one is). */
  positionOfByte(offset: number): Position {
    const bytes = this.bytes;
    const starts = this.byteLineStarts(bytes);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const piece = this.lentPiece;
    const line = (piece?.line ?? 1) + low;
    const lineStart = low > 0 ? starts[low]! : piece && piece.start > 0 ? 0 : bomLength(bytes);
    const startColumn = low === 0 && piece ? piece.column : 1;
    // Counting from the previous position (an ASCII byte ends any sequence before it) keeps a long minified
    // line with thousands of findings linear instead of decoding its start again for each.
    const previous = this.lastPosition;
    const from =
      previous && previous.line === line && previous.offset >= lineStart && previous.offset <= offset && bytes[previous.offset]! < 0x80
        ? previous
        : { offset: lineStart, column: startColumn };
    const column = from.column + bytes.subarray(from.offset, Math.max(from.offset, offset)).toString('utf8').length;
    this.lastPosition = { offset, line, column };
    return { line, column };
  }

  /** The text of a 1-based line, without its line ending (of a file read in pieces: the line's first MiB). */
  lineText(line: number): string {
    if (this.inPieces && !this.lent) return lineOfFileInPieces(this, line);
    const bytes = this.bytes;
    const starts = this.byteLineStarts(bytes);
    const piece = this.lentPiece;
    const index = line - (piece?.line ?? 1);
    const start = index === 0 ? (piece && piece.start > 0 ? 0 : bomLength(bytes)) : starts[index];
    if (start === undefined || index < 0) return '';
    let end = index + 1 < starts.length ? starts[index + 1]! - 1 : bytes.length;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    if (!piece) return bytes.subarray(start, end).toString('utf8');
    const head = index === 0 ? piece.lineHead : NO_BYTES;
    return Buffer.concat([head, bytes.subarray(start, Math.min(end, start + MAX_PIECE_LINE_BYTES))]).toString('utf8');
  }

  private decode(bytes: Buffer): string {
    return bytes.subarray(bomLength(bytes)).toString('utf8');
  }

  /** Kept once computed: only files with a finding ask, and a line table is small beside the bytes. */
  private byteLineStarts(bytes: Buffer): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
    this.lineStarts = starts;
    return starts;
  }

  /** Where the next piece starts (file offset `start`, inside the lent piece `bytes`): its line, column and line head. */
  private pieceStartAt(bytes: Buffer, start: number): PieceStart {
    const piece = this.lentPiece!;
    const offset = start - piece.start;
    const lastBreak = bytes.lastIndexOf(0x0a, offset - 1);
    let newlines = 0;
    for (let at = bytes.indexOf(0x0a); at !== -1 && at < offset; at = bytes.indexOf(0x0a, at + 1)) newlines++;
    if (lastBreak === -1) {
      const head =
        piece.lineHead.length >= LINE_HEAD_BYTES ? piece.lineHead : Buffer.concat([piece.lineHead, bytes.subarray(0, Math.min(offset, LINE_HEAD_BYTES))]);
      return { start, line: piece.line, column: piece.column + utf16Units(bytes, 0, offset), lineHead: head.subarray(0, LINE_HEAD_BYTES) };
    }
    const lineStart = lastBreak + 1;
    return {
      start,
      line: piece.line + newlines,
      column: 1 + utf16Units(bytes, lineStart, offset),
      lineHead: Buffer.from(bytes.subarray(lineStart, Math.min(offset, lineStart + LINE_HEAD_BYTES))),
    };
  }
}

function bomLength(bytes: Buffer): number {
  return bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
}

/** UTF-16 code units the UTF-8 bytes `bytes[from, to)` decode to, counted without decoding (a piece may end mid-character). */
function utf16Units(bytes: Buffer, from: number, to: number): number {
  let units = 0;
  for (let at = from; at < to; at++) {
    const byte = bytes[at]!;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** A line of a file too large to hold, found by reading it in pieces again (only a finding's line is asked for). */
function lineOfFileInPieces(file: WorkspaceFile, line: number): string {
  let text = '';
  const probe = new WorkspaceFile(file.path, file.absolutePath, file.size, { inPieces: true });
  probe.readInPieces((piece) => {
    const { line: last } = probe.positionOfByte(Math.max(0, piece.ownedEnd - 1));
    if (line > last) return undefined;
    text = probe.lineText(line);
    return 'stop';
  });
  return text;
}
