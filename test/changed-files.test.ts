import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFileSet } from '../src/workspace/file-set.js';
import { loadWorkspace } from '../src/workspace/workspace.js';
import type { WorkspaceOptions } from '../src/workspace/workspace.js';
import { runCli } from './support/cli.js';
import { fakeModel, startFakeOpenRouter } from './support/fake-openrouter.js';
import { materializeFixture } from './support/fixtures.js';
import { makeTree } from './support/tree.js';
import { generateKey } from './support/workspace.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  // A temporary folder is never inside a repository, whatever encloses the system's tmp.
  GIT_CEILING_DIRECTORIES: tmpdir(),
};

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
  });
}

function edit(root: string, path: string, change: (text: string) => string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  let before = '';
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    // a new file
  }
  writeFileSync(file, change(before));
}

const UNCAPPED_FETCH =
  "export const ask = (body: string) => fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: body }] }) });\n";

interface JsonCheck {
  id: string;
  status: string;
  message: string;
  findings: { severity: string; file?: string; line?: number; column?: number }[];
}
interface JsonReport {
  checks: JsonCheck[];
  workspace: { filesScanned: number };
}

/** The checks that read the files (env-files asks git about the whole repository, whatever is staged). */
const FILE_CHECKS = ['--only', 'hardcoded-key,https-only,max-tokens'];

async function audit(args: string[]): Promise<{ status: number | null; findings: string[]; report: JsonReport; stderr: string }> {
  const run = await runCli([...args, ...FILE_CHECKS, '--offline', '--format', 'json'], { env: GIT_ENV });
  if (run.status === 2) throw new Error(run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  const findings = report.checks.flatMap((check) =>
    check.findings.map((finding) => `${check.id} ${finding.severity} ${finding.file}:${finding.line}:${finding.column}`),
  );
  return { status: run.status, findings, report, stderr: run.stderr };
}

/** fixtures/leaky-app as `app/` in a fresh repository, committed, next to an unrelated `other/`. */
function leakyRepository(): { top: string; app: string } {
  const { root } = materializeFixture('leaky-app');
  const top = makeTree({ 'other/uncapped.ts': UNCAPPED_FETCH, 'README.md': '# repo\n' });
  const app = join(top, 'app');
  cpSync(root, app, { recursive: true });
  git(top, 'init', '--quiet');
  git(top, 'add', '--all');
  git(top, 'commit', '--quiet', '-m', 'initial');
  return { top, app };
}

describe('loadWorkspace with a list of files', () => {
  const scan = (root: string, files: string[], options: Partial<WorkspaceOptions> = {}) =>
    loadWorkspace({ root, include: [], exclude: [], maxFileSize: 1024, files, ...options });

  // Changed on purpose (issue 16): the list is git's answer, so .gitignore is not applied to it again (a
  // tracked file that .gitignore lists is audited), and generated code is searched for keys, not analysed.
  it('reads the listed files as git listed them: scan.exclude and scan.include apply, .gitignore does not apply again', () => {
    const top = makeTree({
      '.gitignore': 'secrets.txt\n',
      'api/.gitignore': '.env*\n!.env.example\nlogs/\n',
      'api/.env': 'KEY=1',
      'api/.env.example': 'KEY=',
      'api/src/a.ts': 'x',
      'api/src/a.test.ts': 'x',
      'api/secrets.txt': 'x',
      'api/node_modules/pkg/index.js': 'x',
      'api/dist/out.js': 'x',
      'api/big.ts': 'x'.repeat(2048),
      'api/image.png': Buffer.from([0x89, 0x50, 0, 0]),
    });
    mkdirSync(join(top, '.git'));
    symlinkSync('src/a.ts', join(top, 'api/link.ts'));
    // A folder git's index names, turned into a link to elsewhere in the working tree: not followed.
    symlinkSync(makeTree({ 'x.ts': 'outside' }), join(top, 'api/linked'));
    const root = join(top, 'api');
    const listed = [
      'src/a.ts',
      '.env',
      '.env.example',
      'src/a.test.ts',
      'secrets.txt',
      'node_modules/pkg/index.js',
      'dist/out.js',
      'big.ts',
      'image.png',
      'link.ts',
      'linked/x.ts',
      'gone.ts',
      'src',
    ];
    const workspace = scan(root, listed, { exclude: ['*.test.ts'], fileSet: 'git: listed' });
    expect(workspace.files.map((file) => file.path)).toEqual(['.env', '.env.example', 'secrets.txt', 'src/a.ts']);
    expect(workspace.searched!.map((file) => file.path)).toEqual([
      '.env',
      '.env.example',
      'big.ts',
      'dist/out.js',
      'image.png',
      'node_modules/pkg/index.js',
      'secrets.txt',
      'src/a.ts',
    ]);
    expect(workspace.summary).toEqual({
      filesScanned: 4,
      filesSkipped: { binary: 1, 'too-large': 1, unreadable: 0, symlink: 2 },
      skipped: [{ file: 'big.ts', reason: 'too-large' }],
      fileSet: 'git: listed',
      scopes: { secrets: { files: 8, keysOnly: 0 }, code: { files: 4, generated: 2, generatedPaths: ['dist/', 'node_modules/'] } },
    });
    expect(scan(root, listed, { include: ['src/'] }).files.map((file) => file.path)).toEqual(['src/a.test.ts', 'src/a.ts']);
  });

  it('lists the files in the order of the walk', () => {
    const root = makeTree({ 'a/b.ts': 'x', 'a-c.ts': 'x', 'a.ts': 'x', 'Z.ts': 'x' });
    const all = loadWorkspace({ root, include: [], exclude: [], maxFileSize: 1024 }).files.map((file) => file.path);
    expect(scan(root, ['a.ts', 'a-c.ts', 'Z.ts', 'a/b.ts']).files.map((file) => file.path)).toEqual(all);
  });

  it('an empty list audits nothing, and says why when it is a change list', () => {
    const root = makeTree({ 'a.ts': 'x' });
    expect(scan(root, []).summary.filesScanned).toBe(0);
    const staged = scan(root, [], { fileSet: 'git: files staged for commit', whenEmpty: '0 files staged: nothing to audit' });
    expect(staged.whenEmpty).toBe('0 files staged: nothing to audit');
    expect(staged.summary.fileSet).toBe('git: files staged for commit: 0 files staged: nothing to audit');
  });
});

describe('listFileSet', () => {
  it('lists changed and untracked files under the root, relative to it, never deleted or ignored ones', async () => {
    const top = makeTree({ '.gitignore': 'ignored.ts\n', 'app/kept.ts': 'x', 'app/edited.ts': 'x', 'app/deleted.ts': 'x', 'other/edited.ts': 'x' });
    git(top, 'init', '--quiet');
    git(top, 'add', '--all');
    git(top, 'commit', '--quiet', '-m', 'initial');
    writeFileSync(join(top, 'app/edited.ts'), 'y');
    writeFileSync(join(top, 'other/edited.ts'), 'y');
    writeFileSync(join(top, 'app/new file.ts'), 'y');
    writeFileSync(join(top, 'app/ignored.ts'), 'y');
    rmSync(join(top, 'app/deleted.ts'));
    git(top, 'mv', 'app/kept.ts', 'app/renamed.ts');

    const since = await listFileSet(join(top, 'app'), 'app', { since: 'HEAD' });
    expect(since.ok && 'selected' in since && since.selected.paths.sort()).toEqual(['edited.ts', 'new file.ts', 'renamed.ts']);
    const staged = await listFileSet(join(top, 'app'), 'app', { staged: true });
    expect(staged.ok && 'selected' in staged && staged.selected.paths).toEqual(['renamed.ts']);
    // The whole set: tracked files (a deleted one too: it is still tracked) and untracked ones git does not ignore.
    const whole = await listFileSet(join(top, 'app'), 'app', undefined);
    expect(whole.ok && 'selected' in whole && whole.selected.paths.sort()).toEqual(['deleted.ts', 'edited.ts', 'new file.ts', 'renamed.ts']);
    expect(await listFileSet(makeTree({ 'a.ts': 'x' }), 'elsewhere', undefined)).toEqual({ ok: true, walk: 'not a git repository' });
  });

  it('runs no program the repository configures: no fsmonitor hook, no clean filter', async () => {
    const top = makeTree({ '.gitattributes': '* filter=evil\n', 'a.ts': 'x' });
    const marker = join(makeTree({}), 'ran');
    git(top, 'init', '--quiet');
    git(top, 'add', '--all');
    git(top, 'commit', '--quiet', '-m', 'initial');
    git(top, 'config', 'core.fsmonitor', `touch ${marker}; echo`);
    git(top, 'config', 'filter.evil.clean', `touch ${marker}; cat`);
    writeFileSync(join(top, 'a.ts'), 'y');
    writeFileSync(join(top, 'b.ts'), 'y');
    for (const selection of [undefined, { since: 'HEAD' }, { staged: true } as const]) {
      const outcome = await listFileSet(top, '.', selection);
      expect(outcome.ok, JSON.stringify(selection)).toBe(true);
      expect(existsSync(marker), JSON.stringify(selection)).toBe(false);
    }
  });
});

describe('--changed-since and --staged', () => {
  it('--changed-since audits only the changed and untracked files under the root; the exit code follows', async () => {
    const { top, app } = leakyRepository();
    const clean = await audit([app, '--changed-since', 'HEAD']);
    expect(clean).toMatchObject({ status: 0, findings: [] });
    expect(clean.report.workspace.filesScanned).toBe(0);

    edit(app, 'src/stream.ts', (text) => `// streaming\n${text}`);
    edit(app, 'src/new.ts', () => `\n${UNCAPPED_FETCH}`);
    edit(top, 'other/uncapped.ts', (text) => `${text}${UNCAPPED_FETCH}`);
    edit(app, 'node_modules/sdk/index.js', () => UNCAPPED_FETCH);
    git(top, 'rm', '--quiet', 'app/src/moderate.js');
    const changed = await audit([app, '--changed-since', 'HEAD']);
    expect(changed.findings).toEqual(['max-tokens error src/new.ts:2:38', 'max-tokens error src/stream.ts:6:10']);
    expect(changed.status).toBe(1);
    expect(changed.report.workspace.filesScanned).toBe(2);

    git(top, 'add', '--all');
    git(top, 'commit', '--quiet', '-m', 'second');
    expect((await audit([app, '--changed-since', 'HEAD~1'])).findings).toEqual(changed.findings);
    expect((await audit([app, '--changed-since', 'main'])).findings).toEqual([]);
  });

  it('--staged audits only what is staged, read from the working tree', async () => {
    const { top, app } = leakyRepository();
    expect(await audit([app, '--staged'])).toMatchObject({ status: 0, findings: [] });

    edit(app, 'src/config.ts', (text) => `// settings\n${text}`);
    git(top, 'add', 'app/src/config.ts');
    edit(app, 'src/chat.ts', (text) => `// not staged\n${text}`);
    const staged = await audit([app, '--staged']);
    expect(staged.findings).toEqual(['hardcoded-key error src/config.ts:3:36', 'https-only error src/config.ts:4:37']);
    expect(staged.status).toBe(1);
    expect(staged.report.workspace.filesScanned).toBe(1);
  });

  it('a folder outside any git repository, and an unknown revision, are one-line errors (exit 2)', async () => {
    const outside = makeTree({ 'a.ts': 'x' });
    const { app } = leakyRepository();
    const cases: [string[], RegExp][] = [
      [[outside, '--changed-since', 'main'], /^error: --changed-since: ".*" is not in a git repository$/],
      [[outside, '--staged'], /^error: --staged: ".*" is not in a git repository$/],
      [[app, '--changed-since', 'no-such-branch'], /^error: --changed-since: unknown revision "no-such-branch"$/],
      [[app, '--changed-since=--output=x'], /^error: --changed-since: unknown revision "--output=x"$/],
      [[app, '--changed-since', 'HEAD', '--staged'], /^error: --changed-since and --staged cannot be used together$/],
      [[app, '--staged', '--write-baseline', join(outside, 'b.json')], /^error: --write-baseline records the whole project; it cannot be used with --staged$/],
    ];
    for (const [args, stderr] of cases) {
      const run = await runCli(args, { env: GIT_ENV });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr.trimEnd()).toMatch(stderr);
    }
  });
});

describe('the remote checks under --staged', () => {
  it('still read the whole code: a model id in an unchanged file is checked', async () => {
    const key = generateKey();
    const fake = await startFakeOpenRouter({ keys: { [key]: {} }, models: [fakeModel('openai/gpt-4o-mini')] });
    try {
      const root = makeTree({
        'src/legacy.ts':
          "export const ask = (client: any) => client.chat.completions.create({ model: 'openai/gpt-4-turbo-preview', max_tokens: 9, messages: [] });\n",
      });
      git(root, 'init', '--quiet');
      git(root, 'add', '--all');
      git(root, 'commit', '--quiet', '-m', 'initial');
      const run = await runCli([root, '--staged', '--only', 'model-availability,max-tokens', '--base-url', fake.baseUrl, '--format', 'json'], {
        env: { ...GIT_ENV, OPENROUTER_API_KEY: key },
      });
      const report = JSON.parse(run.stdout) as JsonReport;
      const byId = new Map(report.checks.map((check) => [check.id, check]));
      // Nothing staged: the file checks skip (they used to pass), the remote ones read the whole code.
      expect(byId.get('max-tokens')).toMatchObject({ status: 'skip', message: '0 files staged: nothing to audit', findings: [] });
      expect(byId.get('model-availability')?.findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/legacy.ts:1']);
      expect(report.workspace.filesScanned).toBe(0);
      expect(run.status).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
