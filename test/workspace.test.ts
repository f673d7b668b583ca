import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace, scanFilter } from '../src/workspace/workspace.js';
import type { WorkspaceOptions } from '../src/workspace/workspace.js';
import { makeTree } from './support/tree.js';

function scan(root: string, options: Partial<WorkspaceOptions> = {}) {
  return loadWorkspace({ root, include: [], exclude: [], maxFileSize: 1024 * 1024, ...options });
}
const pathsOf = (root: string, options?: Partial<WorkspaceOptions>): string[] => scan(root, options).files.map((file) => file.path);

describe('loadWorkspace', () => {
  it('gives the code checks text files with / separators, dotfiles included, generated and vendored code left out', () => {
    const root = makeTree({
      'src/index.ts': 'x',
      '.env': 'A=1',
      '.github/workflows/ci.yml': 'on: push',
      'node_modules/pkg/index.js': 'x',
      'packages/a/node_modules/b/index.js': 'x',
      'dist/index.js': 'x',
      'build/out.js': 'x',
      'coverage/lcov.info': 'x',
      'vendor/lib.js': 'x',
      'public/app.min.js': 'x',
      '.git/config': 'x',
    });
    expect(pathsOf(root)).toEqual(['.env', '.github/workflows/ci.yml', 'src/index.ts']);
  });

  it('gives the key and URL search every file, generated and vendored code too; node_modules and .git are not walked', () => {
    const root = makeTree({
      'src/index.ts': 'x',
      'node_modules/pkg/index.js': 'x',
      'dist/index.js': 'x',
      'build/out.js': 'x',
      'coverage/lcov.info': 'x',
      'packages/a/vendor/lib.js': 'x',
      'public/app.min.js': 'x',
      'public/other.min.js': 'x',
      '.git/config': 'x',
    });
    const workspace = scan(root);
    expect(workspace.searched!.map((file) => file.path)).toEqual([
      'build/out.js',
      'coverage/lcov.info',
      'dist/index.js',
      'packages/a/vendor/lib.js',
      'public/app.min.js',
      'public/other.min.js',
      'src/index.ts',
    ]);
    expect(workspace.files.map((file) => file.path)).toEqual(['src/index.ts']);
    expect(workspace.summary.scopes).toEqual({
      secrets: { files: 7, keysOnly: 0 },
      code: { files: 1, generated: 6, generatedPaths: ['build/', 'coverage/', 'dist/', 'packages/a/vendor/', 'public/app.min.js', 'public/other.min.js'] },
    });
  });

  it('excludes the default folders by name at any depth, files only by the .min.js ending, whatever scan.exclude says', () => {
    const root = makeTree({
      'src/build': 'a file named like a default folder',
      'src/dist.ts': 'x',
      'src/vendor.js/index.js': 'a folder not named vendor',
      'assets/lib.min.js/inner.js': 'a folder ending in .min.js',
      'deep/a/b/coverage/report.js': 'x',
      'dist/index.js': 'x',
    });
    expect(pathsOf(root)).toEqual(['src/build', 'src/dist.ts', 'src/vendor.js/index.js']);
    // A negation cannot bring a default exclude back; it still works on scan.exclude's own patterns.
    expect(pathsOf(root, { exclude: ['!dist/', 'src/*.ts', '!src/dist.ts'] })).toEqual(['src/build', 'src/dist.ts', 'src/vendor.js/index.js']);
    expect(pathsOf(root, { exclude: ['src/*.ts'] })).toEqual(['src/build', 'src/vendor.js/index.js']);
  });

  it('honours nested .gitignore files, negations and directory patterns', () => {
    const root = makeTree({
      '.gitignore': '.env*\n!.env.example\nlogs/\n',
      '.env': 'KEY=1',
      '.env.local': 'KEY=1',
      '.env.example': 'KEY=',
      'logs/today.txt': 'x',
      'app/.gitignore': 'generated/\n*.snap\n',
      'app/generated/client.ts': 'x',
      'app/main.ts': 'x',
      'app/main.snap': 'x',
      'lib/generated/kept.ts': 'x',
    });
    expect(pathsOf(root)).toEqual(['.env.example', '.gitignore', 'app/.gitignore', 'app/main.ts', 'lib/generated/kept.ts']);
  });

  it('applies .gitignore files above the root up to the git repository top', () => {
    const top = makeTree({ '.gitignore': 'secrets.txt\n', 'services/api/secrets.txt': 'x', 'services/api/main.ts': 'x' });
    mkdirSync(join(top, '.git'));
    expect(pathsOf(join(top, 'services/api'))).toEqual(['main.ts']);
  });

  it('ignores .gitignore files above the root when there is no enclosing git repository', () => {
    const top = makeTree({ '.gitignore': 'secrets.txt\n', 'api/secrets.txt': 'x' });
    expect(pathsOf(join(top, 'api'))).toEqual(['secrets.txt']);
  });

  it('applies include and exclude patterns gitignore-style', () => {
    const root = makeTree({ 'src/a.ts': 'x', 'src/a.test.ts': 'x', 'fixtures/bad.ts': 'x', 'docs/x.md': 'x' });
    expect(pathsOf(root, { exclude: ['fixtures/', '*.test.ts'] })).toEqual(['docs/x.md', 'src/a.ts']);
    expect(pathsOf(root, { include: ['src/'] })).toEqual(['src/a.test.ts', 'src/a.ts']);
  });

  it('leaves binaries and oversized files out of the code analysis (not the key search), counts them and names the oversized ones', () => {
    const binary = Buffer.concat([Buffer.from('PNG'), Buffer.alloc(10), Buffer.from('sk-or-v1-')]);
    const root = makeTree({ 'logo.png': binary, 'big.json': 'x'.repeat(2048), 'small.ts': 'x' });
    const workspace = scan(root, { maxFileSize: 1024 });
    expect(workspace.files.map((file) => file.path)).toEqual(['small.ts']);
    expect(workspace.searched!.map((file) => [file.path, file.binary])).toEqual([
      ['big.json', false],
      ['logo.png', true],
      ['small.ts', false],
    ]);
    expect(workspace.summary).toEqual({
      filesScanned: 1,
      filesSkipped: { binary: 1, 'too-large': 1, unreadable: 0, symlink: 0 },
      skipped: [{ file: 'big.json', reason: 'too-large' }],
      fileSet: 'walk',
      scopes: { secrets: { files: 3, keysOnly: 0 }, code: { files: 1, generated: 0, generatedPaths: [] } },
    });
  });

  it('treats a NUL byte after the first 8 KiB as text, like git', () => {
    const root = makeTree({ 'data.txt': Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.alloc(1)]) });
    expect(pathsOf(root)).toEqual(['data.txt']);
  });

  it('never follows symlinks: loops and links out of the root are counted, not read', () => {
    const outside = makeTree({ 'secret.ts': 'outside' });
    const root = makeTree({ 'src/a.ts': 'x' });
    symlinkSync(join(root, 'src'), join(root, 'src/loop'));
    symlinkSync(join(outside, 'secret.ts'), join(root, 'linked.ts'));
    symlinkSync(outside, join(root, 'outside-dir'));
    const workspace = scan(root);
    expect(workspace.files.map((file) => file.path)).toEqual(['src/a.ts']);
    expect(workspace.summary.filesSkipped.symlink).toBe(3);
  });

  it.skipIf(process.getuid?.() === 0)('counts unreadable files and folders instead of failing', () => {
    const root = makeTree({ 'locked.ts': 'x', 'closed/a.ts': 'x', 'open.ts': 'x' });
    chmodSync(join(root, 'locked.ts'), 0o000);
    chmodSync(join(root, 'closed'), 0o000);
    const workspace = scan(root);
    chmodSync(join(root, 'closed'), 0o755);
    expect(workspace.files.map((file) => file.path)).toEqual(['open.ts']);
    expect(workspace.summary.skipped).toEqual([
      { file: 'closed', reason: 'unreadable' },
      { file: 'locked.ts', reason: 'unreadable' },
    ]);
  });
});

describe('ignore files the walk reads', () => {
  it('reads a .gitignore only if it is a regular file: a symlink to /dev/zero is not followed', () => {
    const root = makeTree({ 'src/a.ts': 'x', 'sub/b.ts': 'x' });
    symlinkSync('/dev/zero', join(root, '.gitignore'));
    symlinkSync('/dev/zero', join(root, 'sub/.gitignore'));
    expect(pathsOf(root)).toEqual(['src/a.ts', 'sub/b.ts']);
  });

  it('applies a .gitignore of 100,000 rules to a 1,000-file tree as git would: literal rules by lookup, the last match winning', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1_000; index++) files[`src/f${index}.ts`] = 'x';
    const rules = Array.from({ length: 100_000 }, (_, index) => `generated-${index}.ts`);
    // A literal rule, a negation after it, a wildcard rule between literal ones, and a folder rule.
    rules.push('src/f1.ts', 'f2.ts', '!f2.ts', 'f3*.ts', 'f30.ts', '!f31.ts', 'src/f4.ts/', 'deep/');
    files['.gitignore'] = `${rules.join('\n')}\n`;
    files['deep/x.ts'] = 'x';
    const root = makeTree(files);
    const paths = pathsOf(root);
    expect(paths).toContain('src/f2.ts');
    expect(paths).toContain('src/f31.ts');
    expect(paths).toContain('src/f4.ts');
    for (const gone of ['src/f1.ts', 'src/f3.ts', 'src/f30.ts', 'src/f300.ts', 'deep/x.ts']) expect(paths).not.toContain(gone);
    // f1 out, f3*.ts (111 files) out but f31 back in; the .gitignore itself (1.9 MB) is over the code size limit.
    expect(paths).toHaveLength(1_000 - 1 - 111 + 1);
  });
});

describe('WorkspaceFile positions', () => {
  it('maps byte offsets to 1-based lines and UTF-16 columns, past a BOM and CRLF', () => {
    const root = makeTree({ 'a.ts': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ab\r\n€x\r\nlast')]) });
    const [file] = scan(root).files;
    const bytes = file!.bytes;
    expect(file!.positionOfByte(3)).toEqual({ line: 1, column: 1 });
    expect(file!.positionOfByte(bytes.indexOf('x'))).toEqual({ line: 2, column: 2 });
    expect(file!.positionOfByte(bytes.indexOf('last'))).toEqual({ line: 3, column: 1 });
    expect([1, 2, 3].map((line) => file!.lineText(line))).toEqual(['ab', '€x', 'last']);
    expect(file!.text()).toBe('ab\r\n€x\r\nlast');
  });
});

describe('scanFilter', () => {
  it('applies the default excludes to every folder of a path, and scan.exclude and scan.include to the path', () => {
    const inScope = scanFilter({ include: [], exclude: ['generated/'] });
    const kept = ['src/a.ts', 'src/build', 'docs/dist.md', 'lib/vendor.js/x.js'];
    const dropped = ['node_modules/x/y.js', 'packages/a/dist/b.js', 'src/app.min.js', 'a/b.min.js/c.js', '.git/config', 'src/generated/c.ts'];
    expect(kept.filter(inScope)).toEqual(kept);
    expect(dropped.filter(inScope)).toEqual([]);
    const onlySrc = scanFilter({ include: ['src/'], exclude: [] });
    expect(['src/a.ts', 'lib/b.ts', 'src/dist/c.ts'].filter(onlySrc)).toEqual(['src/a.ts']);
  });
});
