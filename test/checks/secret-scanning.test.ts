import { describe, expect, it } from 'vitest';
import check from '../../src/checks/secret-scanning.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import type { CheckOutcome } from '../../src/checks/types.js';
import { contextFor, workspaceOf } from '../support/workspace.js';

async function outcomeOfFiles(files: Record<string, string>): Promise<CheckOutcome> {
  return outcomeOf(await check.run(contextFor(check, workspaceOf(files))));
}

const NO_SCANNER_ADVICE =
  'a leaked key would reach the repository unnoticed; add gitleaks, trufflehog, ggshield, secretlint or detect-secrets to CI (or run openrouter-check there)';
const NO_CI =
  'no CI configuration was found (.github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, bitbucket-pipelines.yml, azure-pipelines.yml, ' +
  'Jenkinsfile, .pre-commit-config.yaml): nothing scans commits for secrets; add a secret scanner such as gitleaks to CI';

const TEST_WORKFLOW =
  'name: test\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n';

describe('secret-scanning', () => {
  const passing: { name: string; files: Record<string, string>; summary: string }[] = [
    {
      name: 'gitleaks in a GitHub workflow',
      files: { '.github/workflows/ci.yml': `${TEST_WORKFLOW}      - uses: gitleaks/gitleaks-action@v2\n` },
      summary: 'gitleaks runs in .github/workflows/ci.yml',
    },
    {
      name: 'trufflehog in a .yaml workflow beside one without a scanner',
      files: {
        '.github/workflows/build.yml': TEST_WORKFLOW,
        '.github/workflows/secrets.yaml': 'jobs:\n  scan:\n    steps:\n      - uses: trufflesecurity/TruffleHog@main\n',
      },
      summary: 'trufflehog runs in .github/workflows/secrets.yaml',
    },
    {
      name: 'detect-secrets as a pre-commit hook',
      files: {
        '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1.5.0\n    hooks:\n      - id: detect-secrets\n',
      },
      summary: 'detect-secrets runs in .pre-commit-config.yaml',
    },
    {
      name: 'ggshield in GitLab CI',
      files: { '.gitlab-ci.yml': 'scan:\n  image: gitguardian/ggshield\n  script: ggshield secret scan ci\n' },
      summary: 'ggshield runs in .gitlab-ci.yml',
    },
    {
      name: 'secretlint in CircleCI',
      files: { '.circleci/config.yml': 'jobs:\n  lint:\n    steps:\n      - run: npx secretlint "**/*"\n' },
      summary: 'secretlint runs in .circleci/config.yml',
    },
    {
      name: 'openrouter-check itself in Bitbucket Pipelines',
      files: { 'bitbucket-pipelines.yml': 'pipelines:\n  default:\n    - step:\n        script:\n          - npx openrouter-check --format junit\n' },
      summary: 'openrouter-check runs in bitbucket-pipelines.yml',
    },
    {
      name: 'GITLEAKS in capitals in a Jenkinsfile',
      files: { Jenkinsfile: "pipeline {\n  stages {\n    stage('scan') { steps { sh 'GITLEAKS detect --source .' } }\n  }\n}\n" },
      summary: 'gitleaks runs in Jenkinsfile',
    },
    {
      name: 'Azure Pipelines',
      files: { 'azure-pipelines.yml': 'steps:\n  - script: docker run zricethezav/gitleaks detect\n' },
      summary: 'gitleaks runs in azure-pipelines.yml',
    },
  ];
  it.each(passing)('pass: $name', async ({ files, summary }) => {
    expect(await outcomeOfFiles(files)).toEqual({ findings: [], summary });
  });

  it('no CI configuration at all: one finding without a location', async () => {
    expect(await outcomeOfFiles({ 'src/a.ts': 'export {};\n', 'README.md': 'we use gitleaks\n' })).toEqual({
      findings: [{ message: NO_CI, severity: 'warn' }],
    });
  });

  const failing: { name: string; files: Record<string, string>; message: string; file: string }[] = [
    {
      name: 'one workflow without a scanner',
      files: { '.github/workflows/ci.yml': TEST_WORKFLOW },
      message: `no secret scanner in .github/workflows/ci.yml: ${NO_SCANNER_ADVICE}`,
      file: '.github/workflows/ci.yml',
    },
    {
      name: 'a scanner only in a comment',
      files: { '.gitlab-ci.yml': '# TODO: run gitleaks here\ntest:\n  script: npm test\n', Jenkinsfile: '// trufflehog later\npipeline {}\n' },
      message: `no secret scanner in .gitlab-ci.yml and 1 more CI file: ${NO_SCANNER_ADVICE}`,
      file: '.gitlab-ci.yml',
    },
    {
      name: 'a scanner name inside another word, and CI files in the wrong place',
      files: {
        '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - run: ./my-gitleaks-wrapper-not-really\n      - run: echo notgitleaks\n',
        '.github/workflows/nested/scan.yml': 'steps:\n  - uses: gitleaks/gitleaks-action@v2\n',
        'docs/.gitlab-ci.yml': 'scan:\n  script: gitleaks detect\n',
        '.github/workflows/notes.txt': 'gitleaks\n',
      },
      message: `no secret scanner in .github/workflows/ci.yml: ${NO_SCANNER_ADVICE}`,
      file: '.github/workflows/ci.yml',
    },
  ];
  it.each(failing)('warn: $name', async ({ files, message, file }) => {
    expect(await outcomeOfFiles(files)).toEqual({ findings: [{ message, severity: 'warn', file, line: 1, column: 1 }] });
  });

  it('runs at the severity the config gives it', async () => {
    const ctx = contextFor(check, workspaceOf({}), { severity: 'error' });
    expect(outcomeOf(await check.run(ctx)).findings).toEqual([{ message: NO_CI, severity: 'error' }]);
  });
});
