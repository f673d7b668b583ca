import type { CheckResult, Finding } from '../checks/types.js';
import { fingerprintsIn } from '../engine/fingerprint.js';
import type { Report, WorkspaceSummary } from '../engine/report.js';
import { defuseLogCommandsInJson } from './log-commands.js';

// Objects are rebuilt field by field: the key order is the published schema's (DESIGN.md),
// whatever order the input was built in, and stray runtime fields never leak into the file.

/** The versioned JSON report: 2-space indent, trailing newline; strings escaped so no CI log reads a command in it. */
export function renderJson(report: Report): string {
  const ordered = {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    root: report.root,
    // Where the key went, and what of the config did not load: present only when there is something to say.
    ...(report.remote ? { remote: { host: report.remote.host, baseUrl: report.remote.baseUrl } } : {}),
    ...(report.plugins ? { plugins: { notLoaded: [...report.plugins.notLoaded] } } : {}),
    durationMs: report.durationMs,
    summary: {
      passed: report.summary.passed,
      failed: report.summary.failed,
      warned: report.summary.warned,
      skipped: report.summary.skipped,
      errored: report.summary.errored,
    },
    checks: report.checks.map(orderedCheck),
    workspace: orderedWorkspace(report.workspace),
  };
  return defuseLogCommandsInJson(`${JSON.stringify(ordered, null, 2)}\n`);
}

function orderedCheck(check: CheckResult): Record<string, unknown> {
  const fingerprints = fingerprintsIn(check);
  return {
    id: check.id,
    title: check.title,
    category: check.category,
    kind: check.kind,
    status: check.status,
    severity: check.severity,
    durationMs: check.durationMs,
    message: check.message,
    findings: check.findings.map((finding, index) => orderedFinding(finding, fingerprints[index]!)),
  };
}

/**
 * Absent location and snippet fields are left out, not written as null. The fingerprint is the one the
 * baseline, SARIF and GitLab reports use for the same finding.
 */
function orderedFinding(finding: Finding, fingerprint: string): Record<string, unknown> {
  const ordered: Record<string, unknown> = { message: finding.message, severity: finding.severity };
  if (finding.file !== undefined) ordered.file = finding.file;
  if (finding.line !== undefined) ordered.line = finding.line;
  if (finding.column !== undefined) ordered.column = finding.column;
  if (finding.cell !== undefined) ordered.cell = { index: finding.cell.index, line: finding.cell.line, column: finding.cell.column };
  if (finding.snippet !== undefined) ordered.snippet = finding.snippet;
  ordered.fingerprint = fingerprint;
  return ordered;
}

/** `filesScanned` and `filesSkipped` are the code checks' scope; `scopes` says what each scope covered. */
function orderedWorkspace(workspace: WorkspaceSummary): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    filesScanned: workspace.filesScanned,
    filesSkipped: {
      binary: workspace.filesSkipped.binary,
      'too-large': workspace.filesSkipped['too-large'],
      unreadable: workspace.filesSkipped.unreadable,
      symlink: workspace.filesSkipped.symlink,
    },
    skipped: workspace.skipped.map((entry) => ({ file: entry.file, reason: entry.reason })),
  };
  if (workspace.fileSet !== undefined) ordered.fileSet = workspace.fileSet;
  if (workspace.scopes !== undefined) {
    const { secrets, code } = workspace.scopes;
    ordered.scopes = {
      secrets: { files: secrets.files, ...(secrets.keysOnly === undefined ? {} : { keysOnly: secrets.keysOnly }) },
      code: { files: code.files, generated: code.generated, generatedPaths: [...code.generatedPaths] },
    };
  }
  return ordered;
}
