import { randomBytes } from 'node:crypto';
import { outcomeOf } from '../../src/checks/outcome.js';
import type { Check, CheckContext, Finding } from '../../src/checks/types.js';
import { WorkspaceFile } from '../../src/workspace/workspace.js';
import type { Workspace } from '../../src/workspace/workspace.js';

const ROOT = '/project';

/** A Workspace held in memory: `{ 'src/a.ts': 'source' }`. */
export function workspaceOf(files: Record<string, string | Buffer>): Workspace {
  const entries = Object.entries(files).map(
    ([path, content]) => new WorkspaceFile(path, `${ROOT}/${path}`, Buffer.isBuffer(content) ? content : Buffer.from(content)),
  );
  return {
    root: ROOT,
    files: entries,
    summary: {
      filesScanned: entries.length,
      filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
      skipped: [],
    },
  };
}

/** A context for running one check over an in-memory workspace. */
export function contextFor(check: Check, workspace: Workspace, overrides: Partial<CheckContext> = {}): CheckContext {
  const options: Record<string, number | string | boolean | undefined> = {};
  for (const [name, schema] of Object.entries(check.options ?? {})) options[name] = schema.default;
  return {
    root: workspace.root,
    workspace,
    severity: check.defaultSeverity,
    options,
    models: { fallbacks: [], required: [] },
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Runs a check over `{ path: source }` and returns its findings. */
export async function findingsOf(check: Check, files: Record<string, string | Buffer>): Promise<Finding[]> {
  const workspace = workspaceOf(files);
  return outcomeOf(await check.run(contextFor(check, workspace))).findings;
}

/**
 * A freshly generated string in the real OpenRouter key format. Keys are made at run time
 * so the repository never holds one (secret scanners would rightly flag it).
 */
export function generateKey(): string {
  return `sk-or-v1-${randomBytes(32).toString('hex')}`;
}

/** A fresh token in GitHub's personal-access-token shape (`ghp_` and 36 letters and digits), made at run time. */
export function generateGitHubToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `ghp_${[...randomBytes(36)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}
