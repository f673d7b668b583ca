import type { Check, CheckContext, Finding } from './types.js';
import { scannedFiles } from '../workspace/byte-scan.js';
import { nameOf, shownPath } from '../workspace/file-name.js';
import { namesIn, runGit } from '../workspace/git.js';

/** Names that are templates by convention, meant to be committed: `.env.example`, `.env.local.sample`. */
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template'];
/** `.env`, `.env.local`, `.env.production`; not `.envrc` (direnv) nor `.environment`. */
const ENV_FILE_NAME = /^\.env(\.[^/]+)?$/;
/** Both pathspecs git needs: `.env*` at the root, `**\/.env*` below it. */
const ENV_PATHSPECS = ['.env*', '**/.env*'];

/** Why a .env file is a finding. */
type Exposure = 'tracked' | 'not-ignored';

const MESSAGES: Record<Exposure, (path: string) => string> = {
  tracked: (path) =>
    `${path} is tracked by git: it holds secrets that every clone and the history now have; ` +
    `run \`git rm --cached ${path}\`, add it to .gitignore and rotate every key it held`,
  'not-ignored': (path) => `${path} is not git-ignored: the next \`git add .\` commits its secrets; add \`.env*\` (with \`!.env.example\`) to .gitignore`,
};

const check: Check = {
  id: 'env-files',
  title: 'No .env file is committed or left un-ignored',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'error',
  docs:
    'A committed .env file hands its keys to everyone with the repository, history included. ' +
    'Ignore `.env*` in .gitignore (keep a `.env.example` with placeholders), `git rm --cached` any tracked one, and rotate the keys it held.',
  async run(ctx) {
    const asked = await askGit(ctx.root, ctx.signal);
    if (asked.ok) {
      const inScope = ctx.inScope ?? (() => true);
      const findings = [
        ...asked.tracked.filter(inScope).map((path) => findingAt(path, 'tracked', ctx)),
        ...asked.untracked.filter(inScope).map((path) => findingAt(path, 'not-ignored', ctx)),
      ];
      return { findings, summary: findings.length === 0 ? 'no .env file is tracked by git or left un-ignored' : countOf(findings) };
    }
    // Without git, the workspace is git's view as far as .gitignore files tell: the walker already dropped ignored files.
    // After the byte scan (git answers after it has started), so the workspace's one read serves this check too.
    const findings = (await scannedFiles(ctx.workspace)).filter((file) => isSecretEnvFile(file.path)).map((file) => findingAt(file.path, 'not-ignored', ctx));
    const judged = `${asked.reason}: judged by the .gitignore files alone`;
    return { findings, summary: findings.length === 0 ? `no un-ignored .env file (${judged})` : `${countOf(findings)} (${judged})` };
  },
};

/** `.env.local` and `config/.env` are; `.env.example`, `.envrc` and anything under node_modules are not. */
export function isSecretEnvFile(path: string): boolean {
  const segments = path.split('/');
  const name = segments[segments.length - 1]!;
  if (!ENV_FILE_NAME.test(name)) return false;
  if (TEMPLATE_SUFFIXES.some((suffix) => name.endsWith(suffix))) return false;
  return !segments.includes('node_modules');
}

function findingAt(path: string, exposure: Exposure, ctx: CheckContext): Finding {
  return { message: MESSAGES[exposure](path), severity: ctx.severity, file: path, line: 1, column: 1 };
}

function countOf(findings: Finding[]): string {
  return `${findings.length} exposed .env file${findings.length === 1 ? '' : 's'}`;
}

type GitAnswer = { ok: true; tracked: string[]; untracked: string[] } | { ok: false; reason: string };

/** The tracked .env files, and the untracked ones git does not ignore; or why git could not say. */
async function askGit(root: string, signal: AbortSignal): Promise<GitAnswer> {
  const [tracked, untracked] = await Promise.all([
    runGit(root, ['ls-files', '-z', '--cached', '--', ...ENV_PATHSPECS], { signal }),
    runGit(root, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...ENV_PATHSPECS], { signal }),
  ]);
  if (!tracked.ok) return { ok: false, reason: gitFailure(tracked) };
  if (!untracked.ok) return { ok: false, reason: gitFailure(untracked) };
  const trackedPaths = pathsIn(tracked.stdout).filter(isSecretEnvFile);
  const known = new Set(trackedPaths);
  return { ok: true, tracked: trackedPaths, untracked: pathsIn(untracked.stdout).filter((path) => isSecretEnvFile(path) && !known.has(path)) };
}

/** `-z` output as paths the report shows (names that are not UTF-8 escaped), sorted for stable reports. */
function pathsIn(output: Buffer): string[] {
  return namesIn(output)
    .map((name) => shownPath(nameOf(name)))
    .sort();
}

/** `git is not installed`, `not a git repository`, or git's own first line. */
function gitFailure(failure: { missing: boolean; notRepository: boolean; message: string }): string {
  if (failure.missing) return 'git is not installed (or not on the PATH)';
  if (failure.notRepository) return 'not a git repository';
  return `git could not list the files (${failure.message})`;
}

export default check;
