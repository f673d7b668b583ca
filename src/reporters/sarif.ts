import { pathToFileURL } from 'node:url';
import type { CheckResult, Finding } from '../checks/types.js';
import { fingerprintsIn } from '../fingerprint.js';
import type { Report } from '../report.js';
import type { RenderOptions } from './render-options.js';

/** Where SARIF viewers link a rule's documentation. */
const HELP_URI = 'https://github.com/openrouter-check/openrouter-check#';
const FINGERPRINT_KEY = 'openrouterCheck/v1';

type Level = 'error' | 'warning';

const levelOf = (severity: Finding['severity']): Level => (severity === 'error' ? 'error' : 'warning');

/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers: one run, every check as a rule, one
 * result per finding with its location relative to the audited root (`%SRCROOT%`). Findings with no
 * file (remote checks) point at the config file when there is one. Checks that could not run are
 * tool execution notifications, not results.
 */
export function renderSarif(report: Report, options: RenderOptions): string {
  const ruleIndex = new Map(report.checks.map((check, index) => [check.id, index]));
  const results = report.checks.flatMap((check) => resultsOf(check, ruleIndex.get(check.id)!, options.configFile));
  const failures = report.checks.filter((check) => check.status === 'error');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: 'https://github.com/openrouter-check/openrouter-check',
            rules: report.checks.map((check) => ruleOf(check, options)),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${report.root.replace(/\/+$/, '')}/`).href } },
        invocations: [
          {
            executionSuccessful: failures.length === 0,
            toolExecutionNotifications: failures.map((check) => ({
              level: 'error',
              message: { text: `${check.id} could not run: ${check.message}` },
              associatedRule: { id: check.id, index: ruleIndex.get(check.id)! },
            })),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function ruleOf(check: CheckResult, options: RenderOptions): Record<string, unknown> {
  const docs = options.hints[check.id] ?? check.title;
  // `name` is a readable identifier (HardcodedKey); SARIF wants it left out when it would equal the id.
  const name = check.id.replace(/(^|-)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
  return {
    id: check.id,
    ...(name.toLowerCase() === check.id.toLowerCase() ? {} : { name }),
    shortDescription: { text: check.title },
    fullDescription: { text: docs },
    help: { text: docs, markdown: `**${check.title}**\n\n${docs}` },
    helpUri: `${HELP_URI}${check.id}`,
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
      message: { text: finding.message },
    };
    const location = locationOf(finding, configFile);
    if (location) result.locations = [location];
    // The region is in the notebook's JSON text; the cell is where a person finds the code.
    if (finding.cell) result.properties = { notebookCell: { index: finding.cell.index, line: finding.cell.line, column: finding.cell.column } };
    result.partialFingerprints = { [FINGERPRINT_KEY]: fingerprints[position]! };
    return result;
  });
}

function locationOf(finding: Finding, configFile: string | undefined): Record<string, unknown> | undefined {
  const file = finding.file ?? configFile;
  if (file === undefined) return undefined;
  const region: Record<string, unknown> = {};
  if (finding.file !== undefined && finding.line !== undefined) {
    region.startLine = finding.line;
    if (finding.column !== undefined) region.startColumn = finding.column;
    if (finding.snippet !== undefined) region.snippet = { text: finding.snippet };
  } else {
    region.startLine = 1; // A remote finding: the config file as a whole.
  }
  return { physicalLocation: { artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' }, region } };
}
