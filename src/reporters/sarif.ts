import { pathToFileURL } from 'node:url';
import { CHECK_KINDS } from '../checks/types.js';
import type { CheckKind, CheckResult, Finding } from '../checks/types.js';
import { REPOSITORY_URL } from '../checks/docs-url.js';
import { fingerprintsIn } from '../engine/fingerprint.js';
import type { Report } from '../engine/report.js';
import { placeOf } from './finding-place.js';
import { defuseLogCommandsInJson } from './log-commands.js';
import type { RenderOptions } from './render-options.js';

const FINGERPRINT_KEY = 'openrouterCheck/v1';

/**
 * GitHub code scanning's category of each run (`automationDetails.id`, read as `category/run-id`).
 * An upload replaces the alerts of the categories it holds and leaves the others as they were.
 */
const CATEGORIES: Readonly<Record<CheckKind, string>> = {
  static: 'openrouter-check/static/',
  remote: 'openrouter-check/remote/',
};

/** GitHub code scanning rejects a run with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;

type Level = 'error' | 'warning';

const levelOf = (severity: Finding['severity']): Level => (severity === 'error' ? 'error' : 'warning');

/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers: one run per kind of check, each its own
 * category, so a run without a key (remote checks skipped) leaves the remote alerts open instead of
 * closing them. A kind is in the file only when one of its checks ran (the static run, empty, when
 * none did: GitHub refuses a file without runs). Every check of the run's kind is a rule; each
 * finding a result located relative to the audited root (`%SRCROOT%`), findings with no file at the
 * config file, line 1, since GitHub shows no result without a location. At most 25,000 results a
 * run, errors kept first; the run says how many were left out. Checks that could not run are tool
 * execution notifications, not results.
 */
export function renderSarif(report: Report, options: RenderOptions): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: kindsInFile(report).map((kind) => runOf(report, kind, options)),
  };
  return defuseLogCommandsInJson(`${JSON.stringify(sarif, null, 2)}\n`);
}

function kindsInFile(report: Report): CheckKind[] {
  const ran = CHECK_KINDS.filter((kind) => report.checks.some((check) => check.kind === kind && check.status !== 'skip'));
  return ran.length > 0 ? ran : ['static'];
}

function runOf(report: Report, kind: CheckKind, options: RenderOptions): Record<string, unknown> {
  const checks = report.checks.filter((check) => check.kind === kind);
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const results = checks.flatMap((check) => resultsOf(check, ruleIndex.get(check.id)!, options.configFile));
  const kept = withinLimit(results);
  const failures = checks.filter((check) => check.status === 'error');
  const notifications: Record<string, unknown>[] = failures.map((check) => ({
    level: 'error',
    message: { text: messageText(`${check.id} could not run: ${check.message}`) },
    associatedRule: { id: check.id, index: ruleIndex.get(check.id)! },
  }));
  const left = results.length - kept.length;
  if (left > 0) {
    notifications.push({
      level: 'warning',
      message: {
        text: `${left} of ${results.length} results left out: GitHub code scanning accepts at most ${MAX_RESULTS_PER_RUN} a run (errors were kept first); the JSON report has them all`,
      },
    });
  }
  return {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: REPOSITORY_URL,
        rules: checks.map((check) => ruleOf(check, options)),
      },
    },
    automationDetails: { id: CATEGORIES[kind] },
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${report.root.replace(/\/+$/, '')}/`).href } },
    invocations: [{ executionSuccessful: failures.length === 0, toolExecutionNotifications: notifications }],
    results: kept,
    ...(left > 0 ? { properties: { resultsTruncated: true, resultCount: results.length, reportedResultCount: kept.length } } : {}),
  };
}

/** The first MAX_RESULTS_PER_RUN results counting errors before warnings, in their order. */
function withinLimit(results: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  if (results.length <= MAX_RESULTS_PER_RUN) return [...results];
  const errors = results.filter((result) => result.level === 'error').length;
  let warningsLeft = Math.max(0, MAX_RESULTS_PER_RUN - errors);
  let errorsLeft = MAX_RESULTS_PER_RUN;
  return results.filter((result) => {
    if (result.level === 'error') return errorsLeft-- > 0;
    return warningsLeft-- > 0;
  });
}

function ruleOf(check: CheckResult, options: RenderOptions): Record<string, unknown> {
  const docs = options.hints[check.id] || check.title;
  // A built-in check has a page; a plugin's check has only its docs text.
  const helpUri = options.docsUrls?.[check.id];
  // `name` is a readable identifier (HardcodedKey); SARIF wants it left out when it would equal the id.
  const name = check.id.replace(/(^|-)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
  return {
    id: check.id,
    ...(name.toLowerCase() === check.id.toLowerCase() ? {} : { name }),
    shortDescription: { text: check.title },
    fullDescription: { text: docs },
    help: helpUri
      ? { text: `${docs}\n\nMore: ${helpUri}`, markdown: `**${check.title}**\n\n${docs}\n\n[More about ${check.id}](${helpUri})` }
      : { text: docs, markdown: `**${check.title}**\n\n${docs}` },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: levelOf(check.severity), enabled: check.status !== 'skip' },
    properties: { category: check.category, kind: check.kind, tags: [check.category, check.kind] },
  };
}

function resultsOf(check: CheckResult, index: number, configFile: string | undefined): Record<string, unknown>[] {
  const fingerprints = fingerprintsIn(check);
  return check.findings.map((finding, position) => {
    const result: Record<string, unknown> = {
      ruleId: check.id,
      ruleIndex: index,
      level: levelOf(finding.severity),
      message: { text: messageText(finding.message) },
      locations: [locationOf(finding, configFile)],
    };
    // The region is in the notebook's JSON text; the cell is where a person finds the code.
    if (finding.cell) result.properties = { notebookCell: { index: finding.cell.index, line: finding.cell.line, column: finding.cell.column } };
    result.partialFingerprints = { [FINGERPRINT_KEY]: fingerprints[position]! };
    return result;
  });
}

/** Every result has a location: GitHub shows none without one. A finding with no file is at line 1 of the config file. */
function locationOf(finding: Finding, configFile: string | undefined): Record<string, unknown> {
  const place = placeOf(finding, configFile);
  const region: Record<string, unknown> = { startLine: place.line };
  if (place.column !== undefined) region.startColumn = place.column;
  if (place.ownFile && finding.line !== undefined && finding.snippet !== undefined) region.snippet = { text: finding.snippet };
  return { physicalLocation: { artifactLocation: { uri: relativeUri(place.file), uriBaseId: '%SRCROOT%' }, region } };
}

/**
 * A SARIF message is plain text in which `[text](target)` is a link (SARIF 2.1.0 §3.11.6). A message
 * quoting the repository that could form one has its brackets (and a backslash before one) escaped;
 * brackets that cannot (`os.environ["KEY"]`) are left as they read.
 */
function messageText(text: string): string {
  if (!text.includes('](')) return text;
  return text.replace(/\\(?=[[\]])/g, '\\\\').replace(/[[\]]/g, '\\$&');
}

/**
 * A root-relative path as a relative URI reference. encodeURI leaves `#`, `?` and `:` alone, which
 * would make `a#b.ts` a fragment and `javascript:x` a scheme: they are encoded too.
 */
function relativeUri(file: string): string {
  return encodeURI(file).replace(/[#?:]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
