import { describeApiError } from '../openrouter/api-error.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { apiFailure } from './check-error.js';
import type { Check, Finding } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const check: Check = {
  id: 'auth',
  title: 'The API key is accepted',
  category: 'security',
  kind: 'remote',
  defaultSeverity: 'error',
  docs:
    'The app needs a valid inference key: a refused, expired or management key breaks every request in production. ' +
    'Create the key at openrouter.ai/settings/keys and set it in the environment of every deployment (never in the code).',
  options: {
    warn_days: { type: 'integer', description: 'warn when the key expires within this many days', default: 14, minimum: 0 },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    const answer = await remote.key();
    if (!answer.ok) {
      const { error } = answer;
      if (error.kind === 'http' && (error.status === 401 || error.status === 403)) {
        return [{ message: `the key in ${remote.keyEnv} was refused: ${describeApiError(error)}`, severity: ctx.severity }];
      }
      throw apiFailure('cannot verify the key', error);
    }
    const key = answer.data;
    const findings: Finding[] = [];
    if (key.is_management_key) {
      findings.push({
        message: `the key in ${remote.keyEnv} is a management key: it cannot make completions and can create or delete keys; give the app an inference key`,
        severity: ctx.severity,
      });
    }
    const expiry = key.expires_at ? Date.parse(key.expires_at) : Number.NaN;
    let expiryText = 'no expiry';
    if (!Number.isNaN(expiry)) {
      const days = Math.ceil((expiry - Date.now()) / DAY_MS);
      const date = new Date(expiry).toISOString().slice(0, 10);
      expiryText = `expires ${date}`;
      if (days <= 0) findings.push({ message: `the key expired on ${date}: create a new key and deploy it`, severity: ctx.severity });
      else if (days <= Number(ctx.options.warn_days)) {
        findings.push({ message: `the key expires on ${date}, in ${days} day${days === 1 ? '' : 's'}: rotate it before then`, severity: 'warn' });
      }
    }
    const tier = key.is_free_tier ? 'free tier (never bought credits: 50 free-model requests a day)' : 'paid account';
    const legacy = answer.path === '/auth/key' ? ', via the legacy /auth/key' : '';
    return { findings, summary: `key ${key.label} accepted: ${tier}, ${expiryText}${legacy}` };
  },
};

export default check;
