import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import check, { isSecretEnvFile } from '../../src/checks/env-files.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import type { CheckContext, CheckOutcome, Finding } from '../../src/checks/types.js';
import { contextFor, generateKey, workspaceOf } from '../support/workspace.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** An empty temporary folder, outside any git repository (the tmp dir is not in one). */
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'orc-env-files-'));
  folders.push(folder);
  return folder;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'user.email=t@e', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { stdio: 'ignore' });
}

/** A git repository with `committed` in its first commit and `untracked` left beside it. */
function gitRepo(committed: Record<string, string>, untracked: Record<string, string> = {}): string {
  const root = tempFolder();
  git(root, 'init', '-q');
  write(root, committed);
  // `-f`: a test may commit a file its own .gitignore lists, as people do before adding the rule.
  if (Object.keys(committed).length > 0) {
    git(root, 'add', '-f', '--', ...Object.keys(committed));
    git(root, 'commit', '-q', '-m', 'first');
  }
  write(root, untracked);
  return root;
}

async function outcomeAt(root: string, files: Record<string, string> = {}): Promise<CheckOutcome> {
  return outcomeOf(await check.run(contextFor(check, workspaceOf(files), { root })));
}

const tracked = (path: string): Finding => ({
  message:
    `${path} is tracked by git: it holds secrets that every clone and the history now have; ` +
    `run \`git rm --cached ${path}\`, add it to .gitignore and rotate every key it held`,
  severity: 'error',
  file: path,
  line: 1,
  column: 1,
});

const notIgnored = (path: string): Finding => ({
  message: `${path} is not git-ignored: the next \`git add .\` commits its secrets; add \`.env*\` (with \`!.env.example\`) to .gitignore`,
  severity: 'error',
  file: path,
  line: 1,
  column: 1,
});

const SECRET = (): string => `OPENROUTER_API_KEY=${generateKey()}\n`;

describe('env-files: which names count', () => {
  it.each([
    ['.env', true],
    ['.env.local', true],
    ['.env.production.local', true],
    ['apps/web/.env', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['.env.template', false],
    ['.env.local.example', false],
    ['.envrc', false],
    ['.environment', false],
    ['env', false],
    ['config/.env.d/readme', false],
    ['node_modules/pkg/.env', false],
  ])('%s → %s', (path, expected) => {
    expect(isSecretEnvFile(path)).toBe(expected);
  });
});

describe('env-files in a git repository', () => {
  interface Case {
    name: string;
    committed: Record<string, string>;
    untracked?: Record<string, string>;
    findings: Finding[];
    summary: string;
  }
  const cases: Case[] = [
    {
      name: 'nothing but an ignored .env and a committed .env.example',
      committed: { '.gitignore': '.env*\n!.env.example\n', '.env.example': 'OPENROUTER_API_KEY=\n' },
      untracked: { '.env': SECRET() },
      findings: [],
      summary: 'no .env file is tracked by git or left un-ignored',
    },
    {
      name: 'a .env.local committed, even though .gitignore now lists it',
      committed: { '.gitignore': '.env*\n', '.env.local': SECRET(), 'src/a.ts': 'export {};\n' },
      findings: [tracked('.env.local')],
      summary: '1 exposed .env file',
    },
    {
      name: 'a nested .env committed, and a root .env not ignored',
      committed: { 'apps/api/.env': SECRET(), 'README.md': '# app\n' },
      untracked: { '.env': SECRET(), '.env.sample': 'KEY=\n' },
      findings: [tracked('apps/api/.env'), notIgnored('.env')],
      summary: '2 exposed .env files',
    },
    {
      name: 'an untracked .env.production in a folder that is not ignored',
      committed: { '.gitignore': 'node_modules/\n', 'package.json': '{}\n' },
      untracked: { 'deploy/.env.production': SECRET(), 'node_modules/pkg/.env': SECRET() },
      findings: [notIgnored('deploy/.env.production')],
      summary: '1 exposed .env file',
    },
    {
      name: 'an ignored folder holding .env files',
      committed: { '.gitignore': 'secrets/\n' },
      untracked: { 'secrets/.env': SECRET(), 'secrets/.env.local': SECRET() },
      findings: [],
      summary: 'no .env file is tracked by git or left un-ignored',
    },
    {
      name: 'a repository without any commit yet',
      committed: {},
      untracked: { '.env': SECRET() },
      findings: [notIgnored('.env')],
      summary: '1 exposed .env file',
    },
  ];

  it.each(cases)('$name', async ({ committed, untracked, findings, summary }) => {
    const root = gitRepo(committed, untracked);
    expect(await outcomeAt(root)).toEqual({ findings, summary });
  });

  it('audits from a sub-folder of the repository: paths are relative to the audited root, files outside it are not reported', async () => {
    const root = gitRepo({ '.env': SECRET(), 'apps/web/.env.local': SECRET() });
    expect(await outcomeAt(join(root, 'apps/web'))).toEqual({ findings: [tracked('.env.local')], summary: '1 exposed .env file' });
  });

  it('leaves out what the scan excludes, when the runner says what is in scope', async () => {
    const root = gitRepo({ '.env': SECRET(), 'fixtures/app/.env': SECRET() }, { 'fixtures/other/.env.local': SECRET(), 'src/.env': SECRET() });
    const ctx: CheckContext = { ...contextFor(check, workspaceOf({}), { root }), inScope: (path) => !path.startsWith('fixtures/') };
    expect(outcomeOf(await check.run(ctx))).toEqual({ findings: [tracked('.env'), notIgnored('src/.env')], summary: '2 exposed .env files' });
  });

  it('asks git, not the workspace: a .env the workspace lacks is still reported', async () => {
    const root = gitRepo({ '.env': SECRET() });
    expect(await outcomeAt(root, {})).toEqual({ findings: [tracked('.env')], summary: '1 exposed .env file' });
  });

  it('never puts the file content (the secret) in a finding', async () => {
    const content = SECRET();
    const root = gitRepo({ '.env': content });
    const { findings } = await outcomeAt(root);
    expect(JSON.stringify(findings)).not.toContain(content.trim().split('=')[1]);
    expect(findings.every((finding) => finding.snippet === undefined)).toBe(true);
  });
});

describe('env-files without git', () => {
  it('not a git repository: judged from the workspace, which already dropped git-ignored files', async () => {
    const root = tempFolder();
    const files = { '.env': 'A=1\n', '.env.example': 'A=\n', 'config/.env.staging': 'A=2\n', 'src/a.ts': 'export {};\n' };
    expect(await outcomeAt(root, files)).toEqual({
      findings: [notIgnored('.env'), notIgnored('config/.env.staging')],
      summary: '2 exposed .env files (not a git repository: judged by the .gitignore files alone)',
    });
  });

  it('not a git repository and nothing exposed', async () => {
    expect(await outcomeAt(tempFolder(), { '.env.example': 'A=\n' })).toEqual({
      findings: [],
      summary: 'no un-ignored .env file (not a git repository: judged by the .gitignore files alone)',
    });
  });

  it('git not installed: says so, and falls back to the workspace', async () => {
    const root = gitRepo({ '.env': SECRET() });
    vi.stubEnv('PATH', join(tempFolder(), 'no-git-here'));
    expect(await outcomeAt(root, { '.env.local': 'A=1\n' })).toEqual({
      findings: [notIgnored('.env.local')],
      summary: '1 exposed .env file (git is not installed (or not on the PATH): judged by the .gitignore files alone)',
    });
  });

  it('runs at the severity the config gives it', async () => {
    const ctx = contextFor(check, workspaceOf({ '.env': 'A=1\n' }), { root: tempFolder(), severity: 'warn' });
    expect(outcomeOf(await check.run(ctx)).findings).toEqual([{ ...notIgnored('.env'), severity: 'warn' }]);
  });
});
