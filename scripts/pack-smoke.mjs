#!/usr/bin/env node
// Proves the published package works: `npm pack`, install the tarball into an empty folder,
// then run the installed bin as a user would with npx. Exits non-zero on any difference.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'orc-pack-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** A run expected to fail its audit (exit code 1): its stdout; any other exit code is an error. */
const npmExitingOne = (args, cwd) => {
  try {
    npm(args, cwd);
  } catch (error) {
    if (error.status === 1) return error.stdout;
    throw error;
  }
  throw new Error(`npm ${args.join(' ')} passed; expected the audit to fail`);
};

try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], repo));
  const unexpected = packed.files
    .map((file) => file.path)
    .filter((path) => !/^(bin|dist)\/|^(package\.json|README\.md|\.openrouter-check\.yml\.example|LICENSE)$/.test(path));
  if (unexpected.length > 0) throw new Error(`the tarball holds files outside the whitelist: ${unexpected.join(', ')}`);

  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "empty-app", "private": true }\n');
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], app);

  // A user's install runs no script: not ours, not a dependency's (npm would run them where allowed).
  const installScripts = packagesWithInstallScripts(join(app, 'node_modules'));
  if (installScripts.length > 0) throw new Error(`installing the package would run install scripts of: ${installScripts.join(', ')}`);

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

  // Python is parsed with the grammar the package ships in dist/, not one compiled on install.
  const pythonApp = join(work, 'python-app');
  cpSync(join(repo, 'fixtures', 'python-app'), pythonApp, { recursive: true });
  const pythonReport = JSON.parse(npmExitingOne(['exec', '--', 'openrouter-check', pythonApp, '--only', 'max-tokens', '--offline', '--format', 'json'], app));
  const maxTokens = pythonReport.checks.find((check) => check.id === 'max-tokens');
  const pythonFindings = maxTokens?.findings.filter((finding) => finding.file?.endsWith('.py')) ?? [];
  if (maxTokens?.status !== 'fail' || pythonFindings.length === 0) {
    throw new Error(`the installed CLI did not analyse fixtures/python-app: ${JSON.stringify(maxTokens)}`);
  }
  console.log(
    `pack smoke: ${packed.filename} (${packed.files.length} files) installs without install scripts and runs: --version ${reported}, ` +
      `${report.checks.length} checks on fixtures/clean-app, ${pythonFindings.length} Python findings on fixtures/python-app`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The installed packages whose manifest declares a script npm runs on install. */
function packagesWithInstallScripts(modules) {
  const found = [];
  const visit = (folder) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      const manifest = join(path, 'package.json');
      if (existsSync(manifest)) {
        const { name, scripts = {}, gypfile } = JSON.parse(readFileSync(manifest, 'utf8'));
        const declared = ['preinstall', 'install', 'postinstall'].filter((hook) => scripts[hook]);
        // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script of its own.
        if (declared.length > 0 || gypfile || existsSync(join(path, 'binding.gyp'))) found.push(name);
      }
      visit(join(path, 'node_modules'));
    }
  };
  visit(modules);
  return found;
}
