import { readFileSync } from 'node:fs';
import type { Finding } from '../checks/types.js';
import { fingerprintsOf } from './fingerprint.js';

/**
 * A baseline: the findings a team has accepted for now (`--write-baseline`), so that a later run
 * (`--baseline`) reports only new ones. It holds fingerprints only — never a message or a snippet,
 * which could carry a (masked) key — and the file, so a reviewer can see where a finding was.
 */
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  check: string;
  /** fingerprintsOf: line-independent, a hash, never the secret. */
  fingerprint: string;
  /** Relative to the audited root; absent for findings without a location. */
  file?: string;
}

/** A check's findings split by a baseline: the new ones, how many were known, and all of them as entries. */
export interface KnownSplit {
  fresh: Finding[];
  known: number;
  entries: BaselineEntry[];
}

export type BaselineOutcome = { ok: true; known: KnownFindings } | { ok: false; error: string };

const FINGERPRINT = /^[0-9a-f]{8,128}$/;

/** The (check, fingerprint) pairs of a baseline file. */
export class KnownFindings {
  readonly #keys: Set<string>;

  constructor(entries: readonly BaselineEntry[]) {
    this.#keys = new Set(entries.map((entry) => keyOf(entry.check, entry.fingerprint)));
  }

  /**
   * Splits a check's findings into new ones, each carrying its fingerprint, and those the baseline
   * knows; `entries` are all of them, as baseline entries.
   */
  partition(checkId: string, findings: readonly Finding[]): KnownSplit {
    const { findings: fingerprinted, entries } = fingerprintFindings(checkId, findings);
    const fresh = fingerprinted.filter((finding) => !this.#keys.has(keyOf(checkId, finding.fingerprint!)));
    return { fresh, known: findings.length - fresh.length, entries };
  }
}

/**
 * A check's findings each with its fingerprint, and as baseline entries. Fingerprinted here, over
 * every finding, because a fingerprint counts repeats of the same line: computed again over the
 * findings a baseline left, a new repeat would take the known one's fingerprint.
 */
export function fingerprintFindings(checkId: string, findings: readonly Finding[]): { findings: Finding[]; entries: BaselineEntry[] } {
  const entries = baselineEntriesOf(checkId, findings);
  return { findings: findings.map((finding, index) => ({ ...finding, fingerprint: entries[index]!.fingerprint })), entries };
}

/** A check's findings as baseline entries, in the same order. */
export function baselineEntriesOf(checkId: string, findings: readonly Finding[]): BaselineEntry[] {
  const fingerprints = fingerprintsOf(checkId, findings);
  return findings.map((finding, index) => ({
    check: checkId,
    fingerprint: fingerprints[index]!,
    ...(finding.file !== undefined ? { file: finding.file } : {}),
  }));
}

/** The baseline file's text: sorted and de-duplicated, so the same findings always give the same bytes. */
export function renderBaseline(entries: readonly BaselineEntry[]): string {
  const unique = new Map(entries.map((entry) => [keyOf(entry.check, entry.fingerprint), entry]));
  const findings = [...unique.values()]
    .sort((a, b) => compare(a.check, b.check) || compare(a.file ?? '', b.file ?? '') || compare(a.fingerprint, b.fingerprint))
    .map((entry) => ({ check: entry.check, fingerprint: entry.fingerprint, ...(entry.file !== undefined ? { file: entry.file } : {}) }));
  return `${JSON.stringify({ version: BASELINE_VERSION, tool: 'openrouter-check', findings }, null, 2)}\n`;
}

/** Reads a baseline file; every problem is one line naming the file. */
export function readBaseline(file: string): BaselineOutcome {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: `cannot read "${file}" (${code})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: `"${file}" is not valid JSON` };
  }
  const problem = shapeProblem(data);
  if (problem !== undefined) return { ok: false, error: `"${file}" ${problem}` };
  return { ok: true, known: new KnownFindings((data as { findings: BaselineEntry[] }).findings) };
}

/** What is wrong with a parsed baseline, or undefined when it is one this version reads. */
function shapeProblem(data: unknown): string | undefined {
  if (!isRecord(data) || data.tool !== 'openrouter-check') return 'is not an openrouter-check baseline (written by --write-baseline)';
  if (data.version !== BASELINE_VERSION) {
    return `has baseline version ${JSON.stringify(data.version) ?? 'none'}; this openrouter-check reads version ${BASELINE_VERSION}`;
  }
  if (!Array.isArray(data.findings)) return 'has no "findings" list';
  for (const [index, entry] of data.findings.entries()) {
    const where = `findings[${index}]`;
    if (!isRecord(entry)) return `has a non-object entry at ${where}`;
    if (typeof entry.check !== 'string' || entry.check === '') return `has no check id at ${where}`;
    if (typeof entry.fingerprint !== 'string' || !FINGERPRINT.test(entry.fingerprint)) return `has no hex fingerprint at ${where}`;
    if (entry.file !== undefined && typeof entry.file !== 'string') return `has a non-string file at ${where}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyOf(check: string, fingerprint: string): string {
  return `${check}\u0000${fingerprint}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
