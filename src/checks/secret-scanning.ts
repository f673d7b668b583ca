import type { WorkspaceFile } from '../workspace/workspace.js';
import type { Check, Finding } from './types.js';
import { scannedFiles } from '../workspace/byte-scan.js';

/** The CI and hook configurations looked at, as people know them (for the message when none exists). */
const CI_FILES_SHOWN =
  '.github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, bitbucket-pipelines.yml, azure-pipelines.yml, Jenkinsfile, .pre-commit-config.yaml';
const CI_FILES = new Set([
  '.gitlab-ci.yml',
  '.circleci/config.yml',
  'bitbucket-pipelines.yml',
  'azure-pipelines.yml',
  'Jenkinsfile',
  '.pre-commit-config.yaml',
]);
const GITHUB_WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
/** Secret scanners, as whole words in any case: `gitleaks/gitleaks-action`, `trufflesecurity/trufflehog`, `Yelp/detect-secrets`. */
const SCANNER = /(?<![\w-])(gitleaks|trufflehog|secretlint|ggshield|detect-secrets|openrouter-check)(?![\w])/i;
/** A whole-line comment in YAML (`#`) or a Jenkinsfile (`//`): `# TODO: add gitleaks` is no scanner. */
const COMMENT_LINE = /^\s*(#|\/\/)/;

const check: Check = {
  id: 'secret-scanning',
  title: 'CI scans commits for secrets',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'warn',
  wholeProject: true,
  docs:
    'A key pushed by mistake is found by bots within minutes; a scanner in CI or a pre-commit hook catches it before it leaves, or at least at once. ' +
    'Add gitleaks, trufflehog, ggshield, secretlint or detect-secrets to the pipeline (or run openrouter-check there).',
  async run(ctx) {
    const ciFiles = (await scannedFiles(ctx.workspace)).filter((file) => isCiFile(file.path));
    for (const file of ciFiles) {
      const scanner = scannerIn(file);
      if (scanner) return { findings: [], summary: `${scanner} runs in ${file.path}` };
    }
    const first = ciFiles[0];
    if (!first) {
      return [
        {
          message: `no CI configuration was found (${CI_FILES_SHOWN}): nothing scans commits for secrets; add a secret scanner such as gitleaks to CI`,
          severity: ctx.severity,
        },
      ];
    }
    const finding: Finding = {
      message:
        `no secret scanner in ${describeCiFiles(ciFiles)}: a leaked key would reach the repository unnoticed; ` +
        'add gitleaks, trufflehog, ggshield, secretlint or detect-secrets to CI (or run openrouter-check there)',
      severity: ctx.severity,
      file: first.path,
      line: 1,
      column: 1,
    };
    return [finding];
  },
};

function isCiFile(path: string): boolean {
  return CI_FILES.has(path) || GITHUB_WORKFLOW.test(path);
}

/** The first scanner named on a line that is not a comment, as written in the file. */
function scannerIn(file: WorkspaceFile): string | undefined {
  for (const line of file.text().split('\n')) {
    if (COMMENT_LINE.test(line)) continue;
    const match = SCANNER.exec(line);
    if (match) return match[1]!.toLowerCase();
  }
  return undefined;
}

/** `.gitlab-ci.yml`, or `.github/workflows/ci.yml and 2 more CI files`. */
function describeCiFiles(files: readonly WorkspaceFile[]): string {
  const [first, ...rest] = files;
  return rest.length === 0 ? first!.path : `${first!.path} and ${rest.length} more CI file${rest.length === 1 ? '' : 's'}`;
}

export default check;
