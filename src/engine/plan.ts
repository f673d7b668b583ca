import type { Check } from '../checks/types.js';
import type { Config } from '../config/config.js';
import type { PlannedCheck } from './run.js';
import { closestMatch } from './suggest.js';

export interface Selection {
  /** `--only`: run just these ids. */
  only?: readonly string[];
  /** `--skip`: do not run these ids. */
  skip?: readonly string[];
  /** Whether the remote checks can run this time; absent means they can. */
  remote?: RemoteAvailability;
  /** `--staged` or `--changed-since`: only some files are audited, so whole-project checks do not apply. */
  partialBy?: string;
}

export interface RemoteAvailability {
  /** Why remote checks cannot run (`--offline`, no API key), or undefined when they can. */
  unavailable?: string;
  /** `--require-remote`: a remote check that cannot run fails instead of being skipped. */
  required: boolean;
  /** `--no-spend`: checks that send billable requests are skipped. */
  noSpend: boolean;
}

export type PlanOutcome = { ok: true; plan: PlannedCheck[] } | { ok: false; error: string };

/**
 * Decides which checks run. Checks that do not run stay in the report as `skip` with the
 * reason, so a reader sees the whole picture and not a silently shorter list.
 */
export function planChecks(checks: readonly Check[], config: Config, selection: Selection): PlanOutcome {
  const knownIds = checks.map((check) => check.id);
  for (const [flag, ids] of [
    ['--only', selection.only],
    ['--skip', selection.skip],
  ] as const) {
    for (const id of ids ?? []) {
      if (knownIds.includes(id)) continue;
      const suggestion = closestMatch(id, knownIds);
      return {
        ok: false,
        error: `error: ${flag}: "${id}" is not a known check${suggestion ? `; did you mean ${suggestion}?` : ''} (see --list-checks)`,
      };
    }
  }
  const plan = checks.map((check): PlannedCheck => {
    const setting = config.checks[check.id];
    const severity = setting && setting.severity !== 'off' ? setting.severity : check.defaultSeverity;
    const planned: PlannedCheck = { check, severity };
    if (selection.only && !selection.only.includes(check.id)) planned.skipReason = 'not selected by --only';
    else if (selection.skip?.includes(check.id)) planned.skipReason = 'skipped by --skip';
    else if (setting?.severity === 'off') planned.skipReason = 'disabled in the config (off)';
    else if (check.kind === 'remote') planRemote(planned, selection.remote);
    else if (check.wholeProject && selection.partialBy) planned.skipReason = `not applicable with ${selection.partialBy}: it looks at the whole project`;
    return planned;
  });
  return { ok: true, plan };
}

/** A remote check runs only with a key, and a billable one only without `--no-spend`. */
function planRemote(planned: PlannedCheck, remote: RemoteAvailability | undefined): void {
  if (remote?.unavailable !== undefined) {
    if (remote.required) planned.failReason = `${remote.unavailable}, and --require-remote demands the remote checks`;
    else planned.skipReason = remote.unavailable;
  } else if (remote?.noSpend && planned.check.spendsCredits) {
    planned.skipReason = 'skipped by --no-spend (it sends a billable completion)';
  }
}

/** Splits `a,b, c` into ids; empty items are dropped. */
export function parseIdList(value: string): string[] {
  return value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}
