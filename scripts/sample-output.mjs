#!/usr/bin/env node
// The README's sample output, made by running the built CLI on fixtures/leaky-app: copied to a
// temporary git repository named acme-chat, with a key that is the same on every run, colours off,
// no API key and no CI variables. Printing it (no argument) is what test/readme-sample.test.ts
// compares with the README; `--write` puts it into the README between the sample-output markers.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;
const README = join(REPO, 'README.md');
const BIN = join(REPO, 'bin', 'openrouter-check.js');
const FIXTURE = join(REPO, 'fixtures', 'leaky-app');
/** Where the sample says it ran: the temporary folder's path would change on every run. */
const SHOWN_ROOT = '/home/me/acme-chat';
export const START_MARKER = '<!-- sample-output:start -->';
export const END_MARKER = '<!-- sample-output:end -->';

/** A key in the real format that is the same on every run (so is its masked form); never committed whole. */
function sampleKey() {
  return `sk-or-v1-${createHash('sha256').update('openrouter-check README sample').digest('hex')}`;
}

function replaceKeyToken(directory, key) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) replaceKeyToken(path, key);
    else if (entry.isFile() && lstatSync(path).isFile()) {
      const text = readFileSync(path, 'utf8');
      if (text.includes('__OPENROUTER_KEY__')) writeFileSync(path, text.replaceAll('__OPENROUTER_KEY__', key));
    }
  }
}

/** The Markdown block, from ```console to ```, without the markers. */
export function sampleOutput() {
  if (!existsSync(join(REPO, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
  const work = mkdtempSync(join(tmpdir(), 'orc-sample-'));
  try {
    const root = join(work, 'acme-chat');
    cpSync(FIXTURE, root, { recursive: true });
    replaceKeyToken(root, sampleKey());
    // Only what the run needs: no API key, no CI (GitHub annotations), no user git or npm settings.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      NO_COLOR: '1',
      TERM: 'dumb',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      LC_ALL: 'C',
    };
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q'], { cwd: root, env });
    execFileSync('git', ['add', '-A'], { cwd: root, env });
    const run = spawnSync(process.execPath, [BIN], { cwd: root, env, encoding: 'utf8' });
    if (run.error) throw run.error;
    if (run.stderr) throw new Error(`the sample run wrote to stderr:\n${run.stderr}`);
    const stdout = run.stdout.replaceAll(root, SHOWN_ROOT).trimEnd();
    return ['```console', '$ openrouter-check', stdout, '$ echo $?', String(run.status), '```'].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The block the README holds now, between the markers; undefined without them. */
export function readmeSample(readme) {
  const start = readme.indexOf(`${START_MARKER}\n`);
  const end = readme.indexOf(`\n${END_MARKER}`);
  if (start === -1 || end < start) return undefined;
  return readme.slice(start + START_MARKER.length + 1, end);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const sample = sampleOutput();
  if (process.argv.includes('--write')) {
    const readme = readFileSync(README, 'utf8');
    const current = readmeSample(readme);
    if (current === undefined) throw new Error(`README.md has no ${START_MARKER} … ${END_MARKER} block`);
    writeFileSync(README, readme.replace(`${START_MARKER}\n${current}\n${END_MARKER}`, `${START_MARKER}\n${sample}\n${END_MARKER}`));
    console.log(current === sample ? 'README.md: the sample output is up to date' : 'README.md: sample output rewritten');
  } else {
    process.stdout.write(`${sample}\n`);
  }
}
