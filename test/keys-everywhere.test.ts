import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/engine/report.js';
import { REPORT_FORMATS } from '../src/reporters/formats.js';
import { runCli } from './support/cli.js';
import { PLAIN } from './support/plain-http.js';
import { makeTree } from './support/tree.js';
import { generateKey } from './support/workspace.js';

// Issue 16: a key committed anywhere git holds it is found — a tracked file .gitignore lists, build output,
// vendored and minified code, a binary, a large file, near-miss spellings — and never printed whole.

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CEILING_DIRECTORIES: tmpdir(),
};

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { env: { ...process.env, ...GIT_ENV } });
}

function write(root: string, path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A committed key and where it must be reported. */
interface Planted {
  key: string;
  file: string;
  line: number;
  column: number;
}

/** 100-byte lines: a little over 3 MB before the key's line. */
const FILLER_LINES = 31_458;

/** A repository with a key in every place the issue lists, committed; and keys in untracked ignored files. */
function leakyRepository(): { root: string; planted: Planted[]; nearMiss: string; unreported: string[] } {
  const root = makeTree({});
  const planted: Planted[] = [];
  const plant = (file: string, before: string, after: string, line = 1): string => {
    const key = generateKey();
    planted.push({ key, file, line, column: before.length + 1 });
    return `${before}${key}${after}`;
  };
  write(root, '.gitignore', 'config/secrets.json\n.env.local\nnode_modules/\n');
  // Tracked, though .gitignore lists it: the classic forgotten `git rm --cached`.
  write(root, 'config/secrets.json', `${plant('config/secrets.json', '{ "openrouter": "', '" }')}\n`);
  write(root, 'dist/app.js', `${plant('dist/app.js', '(()=>{var k="', '";fetch(k)})();')}\n`);
  write(root, 'vendor/sdk.min.js', `${plant('vendor/sdk.min.js', '!function(){var o={key:"', '"}}();')}\n`);
  // A binary: the key comes after a NUL byte in the first 8 KiB.
  const binaryKey = plant('assets/model.bin', 'MODEL', '', 2);
  write(root, 'assets/model.bin', Buffer.concat([Buffer.from([0x89, 0, 0, 1, 0x0a]), Buffer.from(binaryKey), Buffer.from([0, 0xff])]));
  // 3 MB, the key on its last line.
  const filler = `${'x'.repeat(99)}\n`.repeat(FILLER_LINES);
  write(root, 'logs/big.log', `${filler}${plant('logs/big.log', 'token=', '\n', FILLER_LINES + 1)}`);
  write(root, 'src/rotated.ts', `${plant('src/rotated.ts', 'export const previous = "', '_old";')}\n`);
  write(root, 'data/env.json', `${plant('data/env.json', '{"env": "A=1\\nOPENROUTER_API_KEY=', '\\n"}')}\n`);
  const split = generateKey();
  planted.push({ key: split, file: 'src/split.ts', line: 2, column: 4 });
  write(root, 'src/split.ts', `export const apiKey =\n  'sk-or-v1-' +\n  '${split.slice('sk-or-v1-'.length)}';\n`);
  // Not a key (a 65th hex digit), but quoted by https-only: masking must hide it.
  const nearMiss = `${generateKey()}abc`;
  write(root, 'src/legacy.ts', `export const base = '${PLAIN}openrouter.ai/api/v1'; // ${nearMiss}\n`);
  git(root, 'init', '--quiet');
  git(root, 'add', '--all');
  git(root, 'add', '--force', 'config/secrets.json');
  git(root, 'commit', '--quiet', '-m', 'leaks');
  // Untracked and ignored: local files that are not in the repository.
  const unreported = [generateKey(), generateKey()];
  write(root, '.env.local', `OPENROUTER_API_KEY=${unreported[0]}\n`);
  write(root, 'node_modules/pkg/index.js', `module.exports = '${unreported[1]}';\n`);
  return { root, planted, nearMiss, unreported };
}

/** The hex part of a key, split in two: neither half may appear in any output. */
const secretParts = (key: string): string[] => [key.slice(9, 41), key.slice(41)];

describe('a key committed anywhere git holds it', () => {
  it('is found at its file, line and column; untracked ignored files are not audited; no format prints a key', async () => {
    const { root, planted, nearMiss, unreported } = leakyRepository();

    const json = await runCli([root, '--offline', '--format', 'json'], { env: GIT_ENV });
    expect(json.status, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    const keyCheck = report.checks.find((check) => check.id === 'hardcoded-key')!;
    const located = (file: string | undefined, line: number | undefined, column: number | undefined): string => `${file}:${line}:${column}`;
    expect(keyCheck.findings.map((finding) => located(finding.file, finding.line, finding.column)).sort()).toEqual(
      planted.map((place) => located(place.file, place.line, place.column)).sort(),
    );
    expect(report.workspace.fileSet).toBe('git: tracked and untracked files git does not ignore');
    // .gitignore, the eight files with keys and legacy.ts searched; generated code, the binary and the 3 MB log not analysed.
    expect(report.workspace.scopes).toEqual({
      secrets: { files: 10, keysOnly: 0 },
      code: { files: 6, generated: 2, generatedPaths: ['dist/', 'vendor/'] },
    });
    expect(report.workspace.filesSkipped).toEqual({ binary: 1, 'too-large': 1, unreadable: 0, symlink: 0 });
    const httpsOnly = report.checks.find((check) => check.id === 'https-only')!;
    expect(httpsOnly.findings.map((finding) => located(finding.file, finding.line, finding.column))).toEqual(['src/legacy.ts:1:22']);

    const secrets = [...planted.map((place) => place.key), nearMiss, ...unreported].flatMap(secretParts);
    for (const format of REPORT_FORMATS) {
      const run = format === 'json' ? json : await runCli([root, '--offline', '--format', format], { env: GIT_ENV });
      expect(run.status, `${format}: ${run.stderr}`).toBe(1);
      for (const secret of secrets) {
        expect(run.stdout, format).not.toContain(secret);
        expect(run.stderr, format).not.toContain(secret);
      }
    }
  });

  it('is found under --changed-since and --staged too, in a tracked file .gitignore lists', async () => {
    const { root } = leakyRepository();
    const key = generateKey();
    write(root, 'config/secrets.json', `{ "openrouter": "${key}" }\n`);
    const since = await runCli([root, '--offline', '--only', 'hardcoded-key', '--changed-since', 'HEAD', '--format', 'json'], { env: GIT_ENV });
    const report = JSON.parse(since.stdout) as Report;
    expect(report.checks[0]!.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}`)).toEqual(['config/secrets.json:1:18']);
    expect(report.workspace.fileSet).toBe(`git: files changed since HEAD`);
    git(root, 'add', 'config/secrets.json');
    const staged = await runCli([root, '--offline', '--only', 'hardcoded-key', '--staged', '--format', 'json'], { env: GIT_ENV });
    expect((JSON.parse(staged.stdout) as Report).checks[0]!.findings.map((finding) => finding.file)).toEqual(['config/secrets.json']);
  });
});

describe('never a silent pass', () => {
  it('an unknown --changed-since ref, a git call that fails, and a folder with no file are one-line errors (exit 2)', async () => {
    const { root } = leakyRepository();
    const corrupt = makeTree({ 'a.ts': 'x' });
    git(corrupt, 'init', '--quiet');
    writeFileSync(join(corrupt, '.git', 'index'), 'not an index');
    const empty = makeTree({});
    const cases: [string[], RegExp][] = [
      [[root, '--changed-since', 'no-such-ref'], /^error: --changed-since: unknown revision "no-such-ref"$/],
      [[corrupt], /^error: git could not list the files of ".*": \.git\/index: index file smaller than expected$/],
      [[corrupt, '--staged'], /^error: --staged: .*$/],
      [[empty], /^error: nothing to audit: no file under ".*" is in the file set \(walk \(not a git repository\)\) and passes scan.include and scan.exclude$/],
    ];
    for (const [args, stderr] of cases) {
      const run = await runCli([...args, '--offline'], { env: GIT_ENV });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr.trimEnd()).toMatch(stderr);
    }
  });

  it('nothing staged: exit 0, the file checks skip (not pass) and the report says why', async () => {
    const { root } = leakyRepository();
    const run = await runCli([root, '--offline', '--staged', '--only', 'hardcoded-key,https-only,max-tokens'], { env: GIT_ENV });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toBe('keys and URLs: 0 files searched (git: files staged for commit: 0 files staged: nothing to audit)');
    expect(lines.filter((line) => line.includes('skipped: 0 files staged: nothing to audit'))).toHaveLength(3);
    // The three file checks, and every other check (--only, --offline).
    expect(lines.at(-2)).toBe('0 passed, 0 failed, 0 warned, 16 skipped');
  });
});

describe('a repository that would stall the run', () => {
  it('a .gitignore that is a symlink to /dev/zero: a full, --staged, --changed-since and subfolder audit each finish', async () => {
    const root = makeTree({ 'app/src/a.ts': `export const k = '${generateKey()}';\n` });
    git(root, 'init', '--quiet');
    git(root, 'add', '--all');
    git(root, 'commit', '--quiet', '-m', 'initial');
    symlinkSync('/dev/zero', join(root, '.gitignore'));
    symlinkSync('/dev/zero', join(root, 'app', '.gitignore'));
    write(root, 'app/src/b.ts', `export const k = '${generateKey()}';\n`);
    git(root, 'add', 'app/src/b.ts');
    for (const args of [[root], [root, '--staged'], [root, '--changed-since', 'HEAD'], [join(root, 'app')], [join(root, 'app'), '--staged']]) {
      const run = await runCli([...args, '--offline', '--only', 'hardcoded-key', '--format', 'json'], { env: GIT_ENV });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(1);
    }
  });

  it('a .gitignore of 100,000 rules in front of a 1,000-file audit: git answers', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1_000; index++) files[`src/f${index}.ts`] = `export const n${index} = ${index};\n`;
    files['.gitignore'] = `${Array.from({ length: 100_000 }, (_, index) => `generated/file-${index}.ts`).join('\n')}\nsrc/f999.ts\n`;
    const root = makeTree(files);
    git(root, 'init', '--quiet');
    const run = await runCli([root, '--offline', '--only', 'hardcoded-key', '--format', 'json'], { env: GIT_ENV });
    expect(run.status, run.stderr).toBe(0);
    // The 999 files and the .gitignore; src/f999.ts is ignored.
    expect((JSON.parse(run.stdout) as Report).workspace.scopes!.secrets.files).toBe(1_000);
  });
});
