import type { CheckOutcome, Finding } from './types.js';

/** A check may return its findings bare; the runner reads every answer as a CheckOutcome. */
export function outcomeOf(returned: Finding[] | CheckOutcome): CheckOutcome {
  return Array.isArray(returned) ? { findings: returned } : returned;
}
