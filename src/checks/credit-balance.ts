import { formatCredits } from '../openrouter/credits.js';
import { describeManagementFailure, MANAGEMENT_KEY_ENV, MANAGEMENT_KEYS_URL } from '../openrouter/management-api.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { CheckError } from './check-error.js';
import type { Check, Finding } from './types.js';

const CREDITS_URL = 'openrouter.ai/settings/credits';

const check: Check = {
  id: 'credit-balance',
  title: 'The account has credits left',
  category: 'cost',
  kind: 'remote',
  defaultSeverity: 'warn',
  docs:
    "When the account runs out of credits every paid request fails with 402, whatever each key's own limit says. " +
    `Add credits (or turn on auto top-up) at ${CREDITS_URL}; the check reads the balance with a management key from ${MANAGEMENT_KEY_ENV}.`,
  options: {
    min: { type: 'number', description: 'warn when the account has fewer credits (USD) than this left', default: 10, minimum: 0 },
  },
  async run(ctx) {
    const { management } = remoteOf(ctx);
    if (!management) {
      return {
        findings: [],
        skipReason: `no management key: set ${MANAGEMENT_KEY_ENV} to a management key (${MANAGEMENT_KEYS_URL}) to read the account's credit balance`,
      };
    }
    const answer = await management.credits();
    if (!answer.ok) throw new CheckError(describeManagementFailure("cannot read the account's credits", answer.error, management.keyEnv));
    const { total_credits: bought, total_usage: used } = answer.data;
    // Cents of float noise (50 - 40.000000001) must not decide a threshold.
    const remaining = Math.round((bought - used) * 1e6) / 1e6;
    const minimum = Number(ctx.options.min);
    const summary = `${formatCredits(remaining)} of ${formatCredits(bought)} credits left (${formatCredits(used)} used)`;
    const findings: Finding[] = [];
    if (remaining <= 0) {
      findings.push({
        message: `the account has no credits left (${formatCredits(remaining)}): every paid request fails with 402 until credits are added at ${CREDITS_URL}`,
        severity: ctx.severity,
      });
    } else if (remaining < minimum) {
      findings.push({
        message:
          `only ${formatCredits(remaining)} of the account's credits are left (minimum ${formatCredits(minimum)}): ` +
          `requests fail with 402 once they run out; add credits or turn on auto top-up at ${CREDITS_URL}`,
        severity: ctx.severity,
      });
    }
    return { findings, summary };
  },
};

export default check;
