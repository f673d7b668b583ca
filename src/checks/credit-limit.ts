import { formatCredits } from '../openrouter/credits.js';
import { remoteOf } from '../openrouter/remote-api.js';
import type { KeyData } from '../openrouter/responses.js';
import { apiFailure } from './check-error.js';
import type { Check, Finding } from './types.js';

const check: Check = {
  id: 'credit-limit',
  title: 'The key has a credit limit',
  category: 'cost',
  kind: 'remote',
  defaultSeverity: 'error',
  docs:
    'A key without its own credit limit can spend the whole account if it leaks or a bug loops. ' +
    'Set a limit (and a reset period) on the production key at openrouter.ai/settings/keys, with enough headroom for normal traffic.',
  options: {
    min_remaining: { type: 'number', description: 'fail when fewer credits (USD) than this are left under the limit', default: 1, minimum: 0 },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    const answer = await remote.key();
    if (!answer.ok) throw apiFailure("cannot read the key's limit", answer.error);
    const key = answer.data;
    if (key.limit === null) {
      const message = `the key in ${remote.keyEnv} has no credit limit: a leaked key could spend the whole account (${formatCredits(key.usage)} used so far)`;
      return [{ message, severity: ctx.severity }];
    }
    const findings: Finding[] = [];
    const minimum = Number(ctx.options.min_remaining);
    const remaining = key.limit_remaining;
    if (remaining !== null && remaining <= 0) {
      const until = key.limit_reset ? `until it resets (${key.limit_reset})` : 'until it is raised (it never resets)';
      findings.push({ message: `the key's ${formatCredits(key.limit)} limit is spent: every request fails with 402 ${until}`, severity: ctx.severity });
    } else if (remaining !== null && remaining < minimum) {
      findings.push({
        message:
          `only ${formatCredits(remaining)} of the key's ${formatCredits(key.limit)} limit is left (minimum ${formatCredits(minimum)}); ` +
          `requests will fail with 402 once it is spent${key.limit_reset ? '' : ', and this limit never resets'}`,
        severity: ctx.severity,
      });
    }
    return { findings, summary: usageAgainstLimit(key, key.limit) };
  },
};

/** `$2.50 used of a $10.00 limit, $7.50 left, resets monthly`. */
function usageAgainstLimit(key: KeyData, limit: number): string {
  const reset = key.limit_reset ? `resets ${key.limit_reset}` : 'never resets';
  // Without limit_remaining the usage under the limit is unknown: show the key's all-time usage.
  if (key.limit_remaining === null) return `${formatCredits(key.usage)} used in all, ${formatCredits(limit)} limit, ${reset}`;
  const remaining = key.limit_remaining;
  return `${formatCredits(limit - remaining)} used of a ${formatCredits(limit)} limit, ${formatCredits(remaining)} left, ${reset}`;
}

export default check;
