#!/usr/bin/env node
// Proves the published package works: `npm pack`, install the tarball into an empty folder,
// then run the installed bin as a user would with npx. Exits non-zero on any difference.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'orc-pack-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], repo));
  const unexpected = packed.files.map((file) => file.path).filter((path) => !/^(bin|dist)\/|^(package\.json|README\.md|\.openrouter-check\.yml\.example|LICENSE)$/.test(path));
  if (unexpected.length > 0) throw new Error(`the tarball holds files outside the whitelist: ${unexpected.join(', ')}`);

  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "empty-app", "private": true }\n');
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], app);

  const reported = npm(['exec', '--', 'openrouter-check', '--version'], app).trim();
  if (reported !== version) throw new Error(`npx openrouter-check --version printed "${reported}", expected "${version}"`);

  // A real audit from the installed copy: loads the TypeScript compiler from the package's own dependencies.
  // A copy outside this repository: here git tracks the fixture's .env on purpose, which env-files would (rightly) flag.
  const fixture = join(work, 'clean-app');
  cpSync(join(repo, 'fixtures', 'clean-app'), fixture, { recursive: true });
  const audit = npm(['exec', '--', 'openrouter-check', fixture, '--format', 'json'], app);
  const report = JSON.parse(audit);
  if (report.summary.failed !== 0 || report.summary.errored !== 0 || report.checks.length === 0) {
    throw new Error(`the installed CLI did not pass the clean fixture: ${JSON.stringify(report.summary)}`);
  }
  console.log(`pack smoke: ${packed.filename} (${packed.files.length} files) installs and runs: --version ${reported}, ${report.checks.length} checks on fixtures/clean-app`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
