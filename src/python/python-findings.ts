import type { CheckContext, Finding } from '../checks/types.js';
import { findPythonCalls } from './find-python-calls.js';
import type { PythonCallSite } from './find-python-calls.js';
import { PYTHON_CALL_KEYWORDS } from './python-calls.js';
import { visitPythonFiles } from './python-files.js';

/**
 * The max-tokens findings in the workspace's Python files and notebooks: each completion call that sends no
 * output cap (at the check's severity) or whose cap cannot be verified (a warning saying why).
 */
export async function pythonMaxTokensFindings(ctx: CheckContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  await visitPythonFiles(ctx.workspace, {
    needles: PYTHON_CALL_KEYWORDS,
    signal: ctx.signal,
    visit(source, root) {
      for (const site of findPythonCalls(root)) {
        if (site.outcome.kind === 'capped') continue;
        findings.push({
          message: messageFor(site),
          severity: site.outcome.kind === 'unknown' ? 'warn' : ctx.severity,
          ...source.locate(site.start),
        });
      }
    },
    failed(file, cause) {
      findings.push({ message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' });
    },
    parserUnavailable(files, cause) {
      // The JavaScript and TypeScript findings still stand: one warning says what was not looked at.
      const what = files.length === 1 ? files[0]!.path : `${files.length} Python files`;
      findings.push({ message: `could not analyse ${what}: the Python parser could not be loaded (${cause})`, severity: 'warn' });
    },
  });
  return findings;
}

function messageFor({ callee, style, outcome }: PythonCallSite): string {
  if (outcome.kind === 'unknown') return `cannot verify the output cap of ${callee} (${style.name}): ${outcome.reason}`;
  return `${callee} sends no output cap (${style.name}); add ${style.fixHint}`;
}
