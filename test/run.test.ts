import { describe, expect, it } from 'vitest';
import type { Check } from '../src/checks/types.js';
import { defaultConfig } from '../src/config.js';
import { runChecks } from '../src/run.js';
import { workspaceOf } from './support/workspace.js';

/** A static check that records when its run() starts and when it resumes after one await. */
function recordingCheck(id: string, log: string[]): Check {
  return {
    id,
    title: id,
    category: 'reliability',
    kind: 'static',
    defaultSeverity: 'warn',
    docs: 'test',
    async run() {
      log.push(`start ${id}`);
      await Promise.resolve();
      log.push(`resume ${id}`);
      return [];
    },
  };
}

describe('runChecks', () => {
  // The workspace's shared passes (src/analysis/byte-scan.ts, script-analysis.ts) rely on this: each check asks
  // for what it needs at the start of run(), and one pass serves every check that asked before it began.
  it("calls every check's run() in one synchronous loop, before any of them resumes", async () => {
    const log: string[] = [];
    const checks = ['first', 'second', 'third'].map((id) => recordingCheck(id, log));
    const { report } = await runChecks({
      root: '/project',
      toolVersion: '0.0.0',
      config: defaultConfig(checks),
      plan: checks.map((check) => ({ check, severity: check.defaultSeverity })),
      loadWorkspace: () => workspaceOf({ 'src/a.ts': 'export {};' }),
    });
    expect(report.checks.map((check) => check.status)).toEqual(['pass', 'pass', 'pass']);
    expect(log.slice(0, 3)).toEqual(['start first', 'start second', 'start third']);
    expect(log.slice(3).sort()).toEqual(['resume first', 'resume second', 'resume third']);
  });
});
