import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve, sep } from 'node:path';
import type * as Commander from 'commander';
import { remoteTargetOf } from '../config/base-url.js';
import { keepCodeCacheOutOf } from '../languages/typescript/code-cache.js';
import { docsUrlFor, REPOSITORY_URL } from '../checks/docs-url.js';
import { handleInterrupts, Interrupted } from '../engine/interrupt.js';
import type { Interruption } from '../engine/interrupt.js';
import { removeUnfinishedReportFiles } from './report-file.js';
import { REPORT_FORMATS } from '../reporters/formats.js';
import { defuseLogCommands } from '../reporters/log-commands.js';
import { printable } from '../reporters/printable.js';
import type { ReportFormat } from '../reporters/formats.js';
import { maskKeysIn } from '../workspace/secrets.js';
import type { KnownFindings } from '../engine/baseline.js';
import { SEVERITIES } from '../checks/types.js';
import type { Check, Severity } from '../checks/types.js';
import type { Config } from '../config/config.js';
import type { RemoteSession } from '../openrouter/remote-api.js';
import { MAX_RETRIES, OPERATOR_ENV, pluginsAllowed, pluginsNotLoadedWarning, withOperatorSettings } from '../config/operator-settings.js';
import type { FileSetOptions } from '../workspace/file-set.js';
import type { Workspace, WorkspaceFile } from '../workspace/workspace.js';

// Only commander loads at start-up: `--version` and `--help` must stay instant, and the
// TypeScript compiler loads only when the max-tokens check runs. Commander is CommonJS: `require`
// loads it in a third of the time its ESM wrapper takes.
const { Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof Commander;

type Format = ReportFormat;

interface CliOptions {
  format: Format;
  report: ReportTarget[];
  config?: string;
  only?: string;
  skip?: string;
  failOn: Severity;
  listChecks?: boolean;
  explain?: string;
  verbose?: boolean;
  color: boolean;
  quiet?: boolean;
  baseUrl?: string;
  keyEnv?: string;
  timeout?: number;
  retries?: number;
  allowPlugins?: boolean;
  maxPaidRequests?: number;
  probeFallbacks?: boolean;
  offline?: boolean;
  spend: boolean;
  requireRemote?: boolean;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  staged?: boolean;
  inlineIgnores: boolean;
  reportUnusedIgnores?: boolean;
}

interface ReportTarget {
  format: Format;
  file: string;
}

/** Thrown for mistakes the user can fix; printed as one line, exit code 2. */
class UsageError extends Error {}

const EXAMPLES = `
Examples:
  $ openrouter-check                              audit the current directory
  $ openrouter-check ./services/api -f json       audit a folder, JSON on stdout
  $ openrouter-check --report junit=reports/openrouter.xml
                                                  text on stdout, JUnit for CI
  $ openrouter-check --only hardcoded-key,https-only
  $ openrouter-check --fail-on warn               warnings fail the run too
  $ OPENROUTER_API_KEY=sk-or-v1-… openrouter-check --require-remote
                                                  the static and the remote checks, as a CI gate
  $ openrouter-check --offline                    the static checks only, no network
  $ openrouter-check --max-paid-requests 3        at most 3 paid completions, retries included
  $ openrouter-check --probe-fallbacks            one paid completion per fallback too (default: free checks only)
  $ openrouter-check --write-baseline .openrouter-baseline.json
                                                  accept today's findings
  $ openrouter-check --baseline .openrouter-baseline.json
                                                  report only findings not in the baseline
  $ openrouter-check --staged --offline           a pre-commit hook: the staged files only
  $ openrouter-check --changed-since origin/main  the files a branch changed
  $ openrouter-check --list-checks

The API key is read from OPENROUTER_API_KEY (or the variable --key-env names), never from a flag,
and is sent only to https://openrouter.ai unless you name another --base-url.
key-rotation and credit-balance also need a management key, read from OPENROUTER_MANAGEMENT_KEY.
Operator settings (--base-url, --key-env, --allow-plugins, larger --timeout/--retries) come from flags,
OPENROUTER_CHECK_* variables or a --config file outside the audited folder, never from the audited
repository's own config.
Behind a proxy, HTTPS_PROXY and NO_PROXY are honoured (never for localhost).

Exit codes: 0 ready, 1 a check failed or errored, 2 usage or configuration error.
Docs: ${REPOSITORY_URL}/tree/main/docs (a page per check: --explain <id> links it).`;

function toolVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function parseReportTarget(value: string, previous: ReportTarget[]): ReportTarget[] {
  const separator = value.indexOf('=');
  const format = value.slice(0, separator);
  const file = value.slice(separator + 1);
  if (separator <= 0 || !file) throw new UsageError(`error: --report expects <format>=<file>, e.g. junit=reports/openrouter.xml (got "${value}")`);
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`error: --report: unknown format "${format}" (formats: ${REPORT_FORMATS.join(', ')})`);
  }
  return [...previous, { format: format as Format, file }];
}

function parseRetries(value: string): number {
  const retries = Number(value);
  if (!/^\d+$/.test(value.trim()) || retries > MAX_RETRIES) {
    throw new UsageError(`error: --retries expects a whole number from 0 to ${MAX_RETRIES} (got "${value}")`);
  }
  return retries;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(`error: --timeout expects a positive number of milliseconds (got "${value}")`);
  }
  return ms;
}

/** Where the operator may set the paid-request budget instead of the flag. */
const MAX_PAID_REQUESTS_ENV = 'OPENROUTER_CHECK_MAX_PAID_REQUESTS';

/** `--max-paid-requests` or its variable: a whole number, 0 included (no paid request at all). */
function parseMaxPaidRequests(value: string, source = '--max-paid-requests'): number {
  const count = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count)) {
    const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    throw new UsageError(`error: ${source} expects a whole number of paid completions, 0 or more (got ${shown})`);
  }
  return count;
}

/** Colour follows NO_COLOR and FORCE_COLOR, and is off when stdout is not a terminal. */
function shouldUseColor(flag: boolean): boolean {
  if (!flag) return false;
  if (process.env.NO_COLOR) return false;
  const forced = process.env.FORCE_COLOR;
  if (forced !== undefined && forced !== '') return forced !== '0' && forced !== 'false';
  return process.stdout.isTTY === true;
}

function buildProgram(): Commander.Command {
  return new Command()
    .name('openrouter-check')
    .description('Tells whether an OpenRouter integration is ready for production; fails CI when it is not.')
    .version(toolVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .argument('[path]', 'the project directory to audit', '.')
    .addOption(new Option('-f, --format <format>', 'report format on stdout').choices(REPORT_FORMATS).default('text'))
    .option('--report <format=file>', 'also write a report to a file (repeatable; creates folders)', parseReportTarget, [])
    .option('-c, --config <file>', 'config file (default: .openrouter-check.yml in the audited path)')
    .option('--only <ids>', 'run only these checks (comma-separated ids)')
    .option('--skip <ids>', 'do not run these checks (comma-separated ids)')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run').choices(SEVERITIES).default('error'))
    .option('--list-checks', 'list the checks with their category, severity and docs, then exit')
    .option('--explain <id>', 'print one check in full (options, docs, whether it spends credits), then exit')
    .option('--no-color', 'no colours in the text report (also: NO_COLOR=1)')
    .option('-q, --quiet', 'text report: only what failed, and the summary line')
    .option('--verbose', 'text report: how long each check and the whole run took')
    .option('--base-url <url>', `where the API key is sent (also ${OPERATOR_ENV.baseUrl}; default https://openrouter.ai/api/v1)`)
    .option('--key-env <name>', `the environment variable holding the API key (also ${OPERATOR_ENV.keyEnv}; default OPENROUTER_API_KEY)`)
    .option('--timeout <ms>', 'time limit of each API request in milliseconds (default: api.timeout_ms, else 10000)', parseTimeout)
    .option('--retries <n>', `retries of a failed API request, 0 to ${MAX_RETRIES} (default: api.retries, else 2)`, parseRetries)
    .option('--allow-plugins', `load and run the checks the config's plugins: lists; they are code, so off by default (also ${OPERATOR_ENV.allowPlugins}=1)`)
    .option('--max-paid-requests <n>', `paid completions a run may send, retries included (default: ${MAX_PAID_REQUESTS_ENV}, else 10)`, (value: string) =>
      parseMaxPaidRequests(value),
    )
    .option('--offline', 'skip the remote checks: no network at all')
    .option('--probe-fallbacks', 'also send one paid completion per fallback model (within --max-paid-requests); off by default')
    .option('--no-spend', 'send no billable completion: test-completion is skipped, and --probe-fallbacks has no effect')
    .option('--require-remote', 'fail the remote checks instead of skipping them when there is no API key')
    .option('--baseline <file>', 'leave out the findings recorded in this baseline file (see --write-baseline)')
    .option('--write-baseline <file>', "write this run's findings as a baseline file (fingerprints only; creates folders)")
    .option('--changed-since <ref>', 'static checks: only the files changed since this git ref (committed, uncommitted or untracked)')
    .option('--staged', 'static checks: only the files staged for commit (git diff --cached)')
    .option('--no-inline-ignores', 'inline openrouter-check-ignore-next-line comments silence nothing; each is reported instead')
    .option('--report-unused-ignores', 'report each inline openrouter-check-ignore-next-line comment that silences nothing')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's errors can span two lines ("(Did you mean …?)"); keep them to one.
      outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
    });
}

async function audit(pathArgument: string, options: CliOptions, interruption: Interruption): Promise<number> {
  const [
    { BUILT_IN_CHECKS },
    { loadConfig },
    { planChecks, parseIdList },
    { runChecks, exitCodeOf, NothingToAudit },
    { loadWorkspace, fileAt },
    reporters,
    { writeReportFile, appendStepSummary, refusalOf },
  ] = await Promise.all([
    import('../checks/index.js'),
    import('../config/config.js'),
    import('../engine/plan.js'),
    import('../engine/run.js'),
    import('../workspace/workspace.js'),
    import('../reporters/index.js'),
    import('./report-file.js'),
  ]);
  const { renderCheckList } = await import('../reporters/check-list.js');
  if (options.offline && options.requireRemote) throw new UsageError('error: --offline and --require-remote contradict each other');
  if (options.changedSince !== undefined && options.staged) throw new UsageError('error: --changed-since and --staged cannot be used together');
  if (options.writeBaseline !== undefined && (options.changedSince !== undefined || options.staged)) {
    // A baseline of some files would forget the known findings in all the others.
    throw new UsageError(`error: --write-baseline records the whole project; it cannot be used with ${options.staged ? '--staged' : '--changed-since'}`);
  }

  const root = resolve(pathArgument);
  const rootStat = statSync(root, { throwIfNoEntry: false });
  if (!rootStat) throw new UsageError(`error: path "${pathArgument}" does not exist`);
  if (!rootStat.isDirectory()) throw new UsageError(`error: path "${pathArgument}" is not a directory`);
  keepCodeCacheOutOf(root);

  // git lists the files while the config loads (a git call takes ~10 ms); awaited, and its error thrown, below.
  const listing = options.listChecks || options.explain !== undefined ? undefined : settled(fileSetFor(root, pathArgument, options, interruption.signal));

  // The config may name plugins: the checks of this run are known only once it is loaded. Plugins are
  // code, so nothing of them is imported unless the operator allows it.
  const allowPlugins = pluginsAllowed(options.allowPlugins, process.env);
  if (!allowPlugins.ok) throw new UsageError(allowPlugins.error);
  const loadPlugins = allowPlugins.value ? (await import('../engine/plugins.js')).loadPluginChecks : undefined;
  const loaded = await loadConfig({ root, configPath: options.config, checks: BUILT_IN_CHECKS, ...(loadPlugins ? { loadPlugins } : {}) });
  if (!loaded.ok) throw new UsageError(loaded.error);
  const { checks, notLoaded } = loaded;
  if (notLoaded) process.stderr.write(`${pluginsNotLoadedWarning(notLoaded.plugins, notLoaded.checkIds)}\n`);
  if (options.listChecks) {
    process.stdout.write(renderCheckList(checks, { color: shouldUseColor(options.color) }));
    return 0;
  }
  if (options.explain !== undefined) return explainCheck(options.explain, checks, BUILT_IN_CHECKS, options);
  const hints = Object.fromEntries(checks.map((check) => [check.id, check.docs]));
  const api = withOperatorSettings(loaded.config.api, options, process.env);
  if (!api.ok) throw new UsageError(api.error);
  const config: Config = { ...loaded.config, api: api.value };
  const envMaxPaidRequests = process.env[MAX_PAID_REQUESTS_ENV]?.trim() ? process.env[MAX_PAID_REQUESTS_ENV] : undefined;
  const maxPaidRequests =
    options.maxPaidRequests ?? (envMaxPaidRequests === undefined ? undefined : parseMaxPaidRequests(envMaxPaidRequests, MAX_PAID_REQUESTS_ENV));
  const apiKey = options.offline ? undefined : process.env[config.api.keyEnv]?.trim() || undefined;
  const managementKey = options.offline ? undefined : process.env.OPENROUTER_MANAGEMENT_KEY?.trim() || undefined;

  const planned = planChecks(checks, config, {
    ...(options.staged ? { partialBy: '--staged' } : options.changedSince !== undefined ? { partialBy: '--changed-since' } : {}),
    only: options.only === undefined ? undefined : parseIdList(options.only),
    skip: options.skip === undefined ? undefined : parseIdList(options.skip),
    remote: {
      unavailable: options.offline
        ? 'skipped by --offline'
        : apiKey === undefined
          ? `no API key: set ${config.api.keyEnv} to run the remote checks`
          : undefined,
      required: options.requireRemote === true,
      noSpend: !options.spend,
    },
  });
  if (!planned.ok) throw new UsageError(planned.error);

  const known = options.baseline === undefined ? undefined : await readKnownFindings(options.baseline);
  const fileSet = await unwrap(listing!);
  // The audited repository's scan rules cannot hide a committed key: its files stay in the key search.
  const keySearchWhole = config.configKind !== 'operator';
  const scan = { root, include: config.scan.include, exclude: config.scan.exclude, maxFileSize: config.scan.maxFileSize, keySearchWhole };

  // The workspaces the run reads, kept so the text report can quote the lines findings point at.
  const workspaces: Workspace[] = [];
  const keep = (workspace: Workspace): Workspace => {
    workspaces.push(workspace);
    return workspace;
  };
  const { progressEnabled, startProgress } = await import('./progress.js');
  const progress = await startProgress({ enabled: progressEnabled(process.stderr), stream: process.stderr, text: `auditing ${pathArgument}…` });
  const { report, baselineEntries } = await runChecks({
    root,
    shownRoot: pathArgument,
    toolVersion: toolVersion(),
    config,
    plan: planned.plan,
    loadWorkspace: () => keep(loadWorkspace({ ...scan, ...fileSet.selected })),
    // The remote checks are not restricted to the changed files: they read the whole code.
    ...(fileSet.whole ? { loadRemoteWorkspace: () => keep(loadWorkspace({ ...scan, ...fileSet.whole })) } : {}),
    ...(known ? { known } : {}),
    noInlineIgnores: !options.inlineIgnores,
    reportUnusedIgnores: options.reportUnusedIgnores === true,
    openRemote:
      apiKey === undefined
        ? undefined
        : () =>
            openRemote(
              config,
              apiKey,
              managementKey,
              { maxPaidRequests, probeFallbacks: options.probeFallbacks === true && options.spend },
              interruption.signal,
            ),
    remoteTarget: remoteTargetOf(config.api.baseUrl),
    ...(notLoaded ? { pluginsNotLoaded: notLoaded.plugins } : {}),
    signal: interruption.signal,
  })
    .catch((error: unknown) => {
      // A file set with nothing in it (or nothing readable) is never a pass.
      throw error instanceof NothingToAudit ? new UsageError(error.message) : error;
    })
    .finally(() => progress.stop());
  // Ctrl-C: the report of a cancelled run would be wrong, so none is written, anywhere.
  interruption.throwIfInterrupted();

  // A refused report file (a symlink) stops the run before any file is written.
  const writes = [
    ...(options.writeBaseline === undefined ? [] : [{ flag: '--write-baseline', file: options.writeBaseline }]),
    ...options.report.map(({ file }) => ({ flag: '--report', file })),
  ];
  for (const { flag, file } of writes) {
    const refusal = refusalOf(file);
    if (refusal !== undefined) throw new UsageError(`error: ${flag}: ${refusal}`);
  }
  if (options.writeBaseline !== undefined) {
    const { renderBaseline } = await import('../engine/baseline.js');
    interruption.throwIfInterrupted();
    const written = writeReportFile(options.writeBaseline, renderBaseline(baselineEntries));
    if (!written.ok) throw new UsageError(`error: --write-baseline: ${written.error}`);
  }

  const configInRoot = config.configFile === undefined ? undefined : relative(root, config.configFile).split(sep).join('/');
  const renderOptions = {
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    lineOf: lineReader(workspaces, fileAt),
    failOn: options.failOn,
    hints,
    docsUrls: Object.fromEntries(checks.filter((check) => BUILT_IN_CHECKS.includes(check)).map((check) => [check.id, docsUrlFor(check.id)])),
    ...(configInRoot !== undefined && !configInRoot.startsWith('../') ? { configFile: configInRoot } : {}),
  };
  for (const target of options.report) {
    const written = writeReportFile(target.file, reporters.render(target.format, report, { ...renderOptions, color: false }));
    if (!written.ok) throw new UsageError(`error: --report: ${written.error}`);
  }
  process.stdout.write(reporters.render(options.format, report, { ...renderOptions, color: shouldUseColor(options.color) }));
  if (process.env.GITHUB_ACTIONS === 'true') {
    // In GitHub Actions the text report also becomes annotations on the files and lines.
    if (options.format === 'text') process.stdout.write(reporters.render('github', report, { ...renderOptions, color: false }));
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    // The summary page is a nicety: failing to write it is said, and does not change the verdict.
    const appended = summaryFile ? appendStepSummary(summaryFile, reporters.renderStepSummary(report)) : undefined;
    if (appended?.ok === false) process.stderr.write(`warning: GitHub step summary: ${defuseLogCommands(appended.error)}\n`);
  }
  return exitCodeOf(report, options.failOn);
}

/** `--baseline`: the findings already known; a file that is missing or not a baseline is a usage error. */
async function readKnownFindings(file: string): Promise<KnownFindings> {
  const { readBaseline } = await import('../engine/baseline.js');
  const outcome = readBaseline(file);
  if (!outcome.ok) throw new UsageError(`error: --baseline: ${outcome.error}`);
  return outcome.known;
}

/** A promise that never rejects, so one started early cannot end the run as unhandled before it is awaited. */
function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

async function unwrap<T>(outcome: Promise<{ value: T } | { error: unknown }>): Promise<T> {
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}

/** What git lists (one `git ls-files` call; `--staged`/`--changed-since` narrow it), or a walk outside a repository. */
async function fileSetFor(root: string, pathArgument: string, options: CliOptions, signal: AbortSignal): Promise<FileSetOptions> {
  const { fileSetOptions } = await import('../workspace/file-set.js');
  const selection = options.changedSince !== undefined ? { since: options.changedSince } : options.staged ? ({ staged: true } as const) : undefined;
  const outcome = await fileSetOptions(root, pathArgument, selection, signal);
  if (!outcome.ok) throw new UsageError(outcome.error);
  return outcome;
}

/** `--explain <id>`: one check in full; an unknown id is a usage error with the closest id. */
async function explainCheck(id: string, checks: readonly Check[], builtIns: readonly Check[], options: CliOptions): Promise<number> {
  const check = checks.find((candidate) => candidate.id === id);
  if (check === undefined) {
    const { closestMatch } = await import('../engine/suggest.js');
    const suggestion = closestMatch(
      id,
      checks.map((candidate) => candidate.id),
    );
    throw new UsageError(`error: --explain: "${id}" is not a known check${suggestion ? `; did you mean ${suggestion}?` : ''} (see --list-checks)`);
  }
  const { renderExplain } = await import('../reporters/explain.js');
  process.stdout.write(renderExplain(check, { color: shouldUseColor(options.color), builtIn: builtIns.includes(check) }));
  return 0;
}

/** The text report's `lineOf`: a line of a file the run read, from its workspaces (the disk is not read again). */
function lineReader(
  workspaces: readonly Workspace[],
  fileAt: (workspace: Workspace, path: string) => WorkspaceFile | undefined,
): (file: string, line: number) => string | undefined {
  return (file, line) => {
    for (const workspace of workspaces) {
      const found = fileAt(workspace, file);
      if (found) return found.lineText(line);
    }
    return undefined;
  };
}

/** The HTTP clients (undici) load only here, when a remote check runs. */
async function openRemote(
  config: Config,
  apiKey: string,
  managementKey: string | undefined,
  { maxPaidRequests, probeFallbacks }: { maxPaidRequests: number | undefined; probeFallbacks: boolean },
  signal: AbortSignal,
): Promise<RemoteSession> {
  const [{ ClientConfigError, createManagementClient, createOpenRouterClient, userAgentFor }, { createRemoteSession }, management] = await Promise.all([
    import('../openrouter/client.js'),
    import('../openrouter/remote-api.js'),
    import('../openrouter/management-api.js'),
  ]);
  const common = { baseUrl: config.api.baseUrl, timeoutMs: config.api.timeoutMs, retries: config.api.retries, userAgent: userAgentFor(toolVersion()), signal };
  const clientFor = <T>(keyEnv: string, create: () => T): T => {
    try {
      return create();
    } catch (error) {
      if (error instanceof ClientConfigError) throw new UsageError(`error: ${error.setting ?? keyEnv}: ${error.message}`);
      throw error;
    }
  };
  const client = clientFor(config.api.keyEnv, () => createOpenRouterClient({ ...common, apiKey }));
  // key-rotation and credit-balance need a management key: its own client, its own variable.
  const managementSession =
    managementKey === undefined
      ? undefined
      : management.createManagementSession(
          clientFor(management.MANAGEMENT_KEY_ENV, () => createManagementClient({ ...common, apiKey: managementKey })),
          management.MANAGEMENT_KEY_ENV,
        );
  return createRemoteSession(client, config.api.keyEnv, managementSession, { ...(maxPaidRequests === undefined ? {} : { maxPaidRequests }), probeFallbacks });
}

async function main(argv: readonly string[], interruption: Interruption): Promise<number> {
  const program = buildProgram();
  let exitCode = 0;
  program.action(async (pathArgument: string, options: CliOptions) => {
    exitCode = await audit(pathArgument, options, interruption);
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Whatever failed after Ctrl-C failed because of it: the "interrupted" line says all.
    if (error instanceof Interrupted || interruption.exitCode !== undefined) return interruption.exitCode ?? 2;
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      // Messages quote the repository (a config value, a file name): one line, and never a CI log command.
      process.stderr.write(`${defuseLogCommands(printable(maskKeysIn(error.message)))}\n`);
      return 2;
    }
    process.stderr.write(`openrouter-check: internal error: ${firstLineOf(error)}\n`);
    return 2;
  }
}

/**
 * `openrouter-check | head`: the reader left before the report was written whole. The verdict is
 * already known, so the run ends with it, quietly, instead of dying on EPIPE with a stack trace.
 * Any other failure to write stdout (a full disk) is one line and exit code 2.
 */
function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`openrouter-check: cannot write the report to stdout (${error.code ?? error.message})\n`);
    process.exit(error.code === 'EPIPE' ? Number(process.exitCode ?? 0) : 2);
  });
  // Nobody reads stderr any more: nothing left to tell, and nothing to crash over.
  process.stderr.on('error', () => undefined);
}

/**
 * What nobody caught — a plugin's stray timer that throws, a promise it forgot — ends the run with
 * one line and exit code 2, like any internal error: no stack trace, no key, no temporary file.
 */
function failInOneLineOnUncaught(interruption: Interruption): void {
  const fail = (error: unknown): void => {
    removeUnfinishedReportFiles();
    // After Ctrl-C, whatever broke broke because of it: the "interrupted" line said all.
    if (interruption.exitCode !== undefined) process.exit(interruption.exitCode);
    process.stderr.write(`openrouter-check: internal error: ${firstLineOf(error)}\n`);
    process.exit(2);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** An error's first line, printable and with any key masked. */
function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return defuseLogCommands(printable(maskKeysIn(message.split('\n')[0] ?? '')));
}

// Ctrl-C or SIGTERM: 130 or 143, no report, no temporary file (report files are written atomically).
const interruption = handleInterrupts({ cleanup: removeUnfinishedReportFiles });
failInOneLineOnUncaught(interruption);
endQuietlyWhenOutputCloses();
const exitCode = await main(process.argv, interruption);
// Interrupted: go now, rather than wait for whatever the cancelled run left pending.
if (interruption.exitCode !== undefined) process.exit(interruption.exitCode);
process.exitCode = exitCode;
// Done: exit once what was written has gone out, rather than after tearing down a large run's heap and
// the read's helper thread (measured: 60 ms on a 25,000-file tree). Nothing of the run is pending by now.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
