import { performance } from 'node:perf_hooks';
import { fingerprintFindings } from './baseline.js';
import type { BaselineEntry, KnownFindings, KnownSplit } from './baseline.js';
import { CheckError } from '../checks/check-error.js';
import { outcomeOf } from '../checks/outcome.js';
import type { Check, CheckResult, Finding, Severity } from '../checks/types.js';
import type { Config } from '../config/config.js';
import type { RemoteApi, RemoteSession } from '../openrouter/remote-api.js';
import type { RemoteTarget, Report } from './report.js';
import { summarize } from './report.js';
import { searchEveryFile } from '../workspace/byte-scan.js';
import { SuppressionIndex, directivesIn } from './suppressions.js';
import type { SuppressionOptions } from './suppressions.js';
import { maskKeysIn } from '../workspace/secrets.js';
import { scanFilter } from '../workspace/workspace.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Only catches a runaway: static checks are CPU-bound over files already in memory, and every
 * remote call has its own timeout and retry budget (api.timeout_ms, api.retries) in the client.
 */
const CHECK_TIME_LIMIT_MS = 10 * 60 * 1000;

/** A check chosen for this run, or passed over with the reason shown in the report. */
export interface PlannedCheck {
  check: Check;
  severity: Severity;
  /** Set when the check does not run: the reason reported with its `skip` status. */
  skipReason?: string;
  /** Set when the check cannot run but must (`--require-remote` without a key): reported as `fail`. */
  failReason?: string;
}

export interface RunInput {
  root: string;
  toolVersion: string;
  config: Config;
  plan: readonly PlannedCheck[];
  /** Loaded only when a static check runs. */
  loadWorkspace: () => Workspace | Promise<Workspace>;
  /**
   * The whole tree for remote checks that read the code (model ids), when the static checks
   * see only some files (`--changed-since`, `--staged`); by default they share `loadWorkspace`.
   */
  loadRemoteWorkspace?: () => Workspace | Promise<Workspace>;
  /** The root as the user wrote it, for messages; `root` when absent. */
  shownRoot?: string;
  /** `--no-inline-ignores`: inline suppressions silence nothing; each that would have is a warning. */
  noInlineIgnores?: boolean;
  /** `--report-unused-ignores`: a suppression that silences nothing is a warning at its line. */
  reportUnusedIgnores?: boolean;
  /** `--baseline`: findings dropped from the report, counted in their check's message. */
  known?: KnownFindings;
  /** Opened only when a remote check runs; closed when the run ends. */
  openRemote?: () => Promise<RemoteSession>;
  /** Where `openRemote`'s session sends the key: in the report when the session was opened. */
  remoteTarget?: RemoteTarget;
  /** `plugins:` entries that were not loaded, for the report. */
  pluginsNotLoaded?: readonly string[];
  signal?: AbortSignal;
}

export interface RunResult {
  /** What every reporter and the exit code see: known findings (`--baseline`) already dropped. */
  report: Report;
  /** Every finding of this run, known ones included, as baseline entries (`--write-baseline`). */
  baselineEntries: BaselineEntry[];
}

/**
 * A run that would audit nothing: a file set with no file in it, or whose every file failed to read. Never
 * a pass: the CLI says so in one line and exits 2. (An empty `--staged` list is not this: see `whenEmpty`.)
 */
export class NothingToAudit extends Error {}

/** Runs the planned checks concurrently, each isolated and time-limited, and builds the Report. */
export async function runChecks(input: RunInput): Promise<RunResult> {
  const started = performance.now();
  const shownRoot = input.shownRoot ?? input.root;
  const staticPlanned = input.plan.some((planned) => planned.check.kind === 'static' && !planned.skipReason && !planned.failReason);
  const staticWorkspace = staticPlanned ? await input.loadWorkspace() : undefined;
  if (staticWorkspace?.listed === 0 && staticWorkspace.whenEmpty === undefined) {
    const fileSet = staticWorkspace.summary.fileSet ?? 'walk';
    throw new NothingToAudit(`error: nothing to audit: no file under "${shownRoot}" is in the file set (${fileSet}) and passes scan.include and scan.exclude`);
  }
  // Nothing staged (or changed): the file checks did not look at anything, so they are skipped, never passed.
  const plan = staticWorkspace?.listed === 0 && staticWorkspace.whenEmpty !== undefined ? skipStatic(input.plan, staticWorkspace.whenEmpty) : input.plan;
  const running = plan.filter((planned) => !planned.skipReason && !planned.failReason).map((planned) => planned.check);
  const remoteReadsCode = running.some((check) => check.kind === 'remote' && check.readsWorkspace);
  const remoteWorkspace = !remoteReadsCode
    ? undefined
    : input.loadRemoteWorkspace
      ? await input.loadRemoteWorkspace()
      : (staticWorkspace ?? (await input.loadWorkspace()));
  const remote = running.some((check) => check.kind === 'remote') ? await input.openRemote?.() : undefined;
  const baselineEntries: BaselineEntry[] = [];
  let checks: CheckResult[];
  try {
    const inScope = scanFilter(input.config.scan);
    const suppressionOptions = { ignoreDirectives: input.noInlineIgnores === true };
    const staticShared = sharedOver(staticWorkspace ?? emptyWorkspace(input.root), remote, inScope, suppressionOptions);
    const remoteShared =
      remoteWorkspace === staticWorkspace ? staticShared : sharedOver(remoteWorkspace ?? emptyWorkspace(input.root), remote, inScope, suppressionOptions);
    // Each check that spends credits is sure of its first paid request: set aside here, in the plan's
    // order (test-completion before fallback-reachability), before any check starts.
    const reserved = new Map(
      remote ? running.filter((check) => check.kind === 'remote' && check.spendsCredits).map((check) => [check, remote.reservePaidRequest()]) : [],
    );
    // Every check's run() is called in this one synchronous loop: the workspace's shared passes (the byte
    // scan, the script analysis) take what each check asks for at its start, and begin on the next macrotask.
    // The directive search of --report-unused-ignores is asked for just before, so the same pass serves it.
    const directives = input.reportUnusedIgnores && staticWorkspace ? searchEveryFile(staticWorkspace, directivesIn) : undefined;
    const sharedOf = (planned: PlannedCheck): Shared => (planned.check.kind === 'static' ? staticShared : remoteShared);
    const outcomes = await Promise.all(
      plan.map((planned) => {
        const paid = reserved.get(planned.check);
        const shared = sharedOf(planned);
        return runOne(planned, paid ? { ...shared, remote: paid.remote } : shared, input).finally(() => paid?.release());
      }),
    );
    // Checks whose suppressions went through the static checks' index: those a directive can be unused for.
    const ran = new Set(plan.filter((planned, index) => 'kept' in outcomes[index]! && sharedOf(planned) === staticShared).map((planned) => planned.check.id));
    const unused = directives ? staticShared.suppressions().unused(await directives, ran, [...ran][0]) : new Map<string, Finding[]>();
    checks = outcomes.map((outcome) =>
      'kept' in outcome ? finish(outcome, unused.get(outcome.base.id) ?? [], input, (entries) => baselineEntries.push(...entries)) : outcome,
    );
  } finally {
    await remote?.close();
  }
  const workspace = (staticWorkspace ?? remoteWorkspace ?? emptyWorkspace(input.root)).summary;
  if (staticWorkspace && staticWorkspace.whenEmpty === undefined && workspace.scopes?.secrets.files === 0) {
    const unread = workspace.filesSkipped.unreadable + workspace.filesSkipped.symlink;
    throw new NothingToAudit(`error: nothing was audited: none of the files under "${shownRoot}" could be read (${unread} unreadable or symlinks)`);
  }
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'openrouter-check', version: input.toolVersion },
    root: input.root,
    ...(remote && input.remoteTarget ? { remote: { ...input.remoteTarget } } : {}),
    ...(input.pluginsNotLoaded?.length ? { plugins: { notLoaded: [...input.pluginsNotLoaded] } } : {}),
    durationMs: Math.round(performance.now() - started),
    summary: summarize(checks),
    checks,
    // The files the static checks audited; else the ones a remote check read.
    workspace,
  };
  return { report, baselineEntries };
}

interface Shared {
  workspace: Workspace;
  remote: RemoteApi | undefined;
  /** Built when the first check ends: before that, looking at the files would read them all ahead of the byte scan. */
  suppressions: () => SuppressionIndex;
  inScope: (path: string) => boolean;
}

function sharedOver(workspace: Workspace, remote: RemoteApi | undefined, inScope: (path: string) => boolean, options: SuppressionOptions): Shared {
  let suppressions: SuppressionIndex | undefined;
  return { workspace, remote, suppressions: () => (suppressions ??= new SuppressionIndex(workspace, options)), inScope };
}

/** A check that ran, before its result is final: what it kept after suppressions (`--report-unused-ignores` may add to it). */
interface Ran {
  base: Pick<CheckResult, 'id' | 'title' | 'category' | 'kind' | 'severity'>;
  durationMs: number;
  kept: Finding[];
  suppressed: number;
  summary: string | undefined;
}

async function runOne(planned: PlannedCheck, shared: Shared, input: RunInput): Promise<CheckResult | Ran> {
  const { check, severity } = planned;
  const base = { id: check.id, title: check.title, category: check.category, kind: check.kind, severity };
  if (planned.skipReason) return { ...base, status: 'skip', durationMs: 0, message: planned.skipReason, findings: [] };
  if (planned.failReason) {
    const findings: Finding[] = [{ message: planned.failReason, severity: 'error' }];
    return { ...base, ...statusOf(findings, undefined), durationMs: 0, findings };
  }

  const started = performance.now();
  const limit = AbortSignal.timeout(CHECK_TIME_LIMIT_MS);
  const signal = input.signal ? AbortSignal.any([input.signal, limit]) : limit;
  try {
    const returned = await withAbort(
      check.run({
        root: input.root,
        workspace: shared.workspace,
        severity,
        options: input.config.checks[check.id]?.options ?? {},
        models: input.config.models,
        signal,
        inScope: shared.inScope,
        ...(check.kind === 'remote' && shared.remote ? { remote: shared.remote } : {}),
      }),
      signal,
    );
    const outcome = outcomeOf(returned);
    const durationMs = elapsed(started);
    if (outcome.skipReason !== undefined) return { ...base, status: 'skip', durationMs, message: maskKeysIn(outcome.skipReason), findings: [] };
    const { findings: kept, suppressed } = shared.suppressions().apply(check.id, outcome.findings);
    return { base, durationMs, kept, suppressed, summary: outcome.summary };
  } catch (error) {
    const cause = signal.aborted && limit.aborted ? `did not finish within ${CHECK_TIME_LIMIT_MS / 1000} s` : describeError(error);
    return { ...base, status: 'error', durationMs: elapsed(started), message: maskKeysIn(cause), findings: [] };
  }
}

/** A check's final result: its findings (and any `added` ones) masked, capped at its severity and split by the baseline. */
function finish(ran: Ran, added: readonly Finding[], input: RunInput, record: (entries: BaselineEntry[]) => void): CheckResult {
  const { base, durationMs, suppressed } = ran;
  const sanitized = [...ran.kept, ...added].map((finding) => sanitizeFinding(finding, base.severity));
  // Fingerprinted after masking and before the baseline drops any: every report carries these, the baseline records them.
  const { fresh: findings, known, entries } = knownSplit(base.id, sanitized, input.known);
  record(entries);
  const summary = [ran.summary, suppressed > 0 ? `${suppressed} suppressed inline` : undefined, known > 0 ? `${known} known (baseline)` : undefined]
    .filter(Boolean)
    .join('; ');
  return { ...base, ...statusOf(findings, summary || undefined), durationMs, findings };
}

/** Without a baseline every finding is new; the entries are still made, for `--write-baseline`. */
function knownSplit(checkId: string, findings: Finding[], known: KnownFindings | undefined): KnownSplit {
  if (known) return known.partition(checkId, findings);
  const { findings: fresh, entries } = fingerprintFindings(checkId, findings);
  return { fresh, known: 0, entries };
}

/** A check's status follows from its most severe finding; the message counts them, then adds the check's summary. */
function statusOf(findings: readonly Finding[], summary: string | undefined): Pick<CheckResult, 'status' | 'message'> {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  const counts = [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning')].filter(Boolean).join(', ');
  const message = summary ? maskKeysIn(counts ? `${counts}; ${summary}` : summary) : counts || 'no findings';
  return { status: errors > 0 ? 'fail' : findings.length > 0 ? 'warn' : 'pass', message };
}

/**
 * Caps each finding at the severity the check runs at (a check set to `warn` never fails the
 * run), and masks any key a check let slip into its text: a second line of defence.
 */
function sanitizeFinding(finding: Finding, severity: Severity): Finding {
  const safe: Finding = { ...finding, message: maskKeysIn(finding.message), severity: severity === 'warn' ? 'warn' : finding.severity };
  if (finding.snippet !== undefined) safe.snippet = maskKeysIn(finding.snippet);
  return safe;
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeError(error: unknown): string {
  if (error instanceof CheckError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `the check crashed: ${message.split('\n')[0] || 'unknown error'}`;
}

/** Every static check skipped with `reason` (what it says about an empty `--staged` list). */
function skipStatic(plan: readonly PlannedCheck[], reason: string): PlannedCheck[] {
  return plan.map((planned) => (planned.check.kind === 'static' && !planned.skipReason && !planned.failReason ? { ...planned, skipReason: reason } : planned));
}

function emptyWorkspace(root: string): Workspace {
  return {
    root,
    files: [],
    summary: {
      filesScanned: 0,
      filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
      skipped: [],
      fileSet: 'not read: no check that reads the files ran',
      scopes: { secrets: { files: 0, keysOnly: 0 }, code: { files: 0, generated: 0, generatedPaths: [] } },
    },
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** 0 when nothing failed; 1 when a check failed or errored, or warned under `--fail-on warn`. */
export function exitCodeOf(report: Report, failOn: Severity): 0 | 1 {
  const { failed, errored, warned } = report.summary;
  return failed > 0 || errored > 0 || (failOn === 'warn' && warned > 0) ? 1 : 0;
}
