import { describeManagementFailure, findAuditedKey, MANAGEMENT_KEY_ENV, MANAGEMENT_KEYS_URL } from '../openrouter/management-api.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { maskKeysIn } from '../workspace/secrets.js';
import { apiFailure, CheckError } from './check-error.js';
import type { Check } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const check: Check = {
  id: 'key-rotation',
  title: 'The API key is rotated',
  category: 'security',
  kind: 'remote',
  defaultSeverity: 'warn',
  docs:
    'The older a key, the more places it has been copied to (laptops, CI logs, old deployments), and a leak may have gone unnoticed. ' +
    `Create a new key, deploy it, then disable the old one at openrouter.ai/settings/keys; the check reads the key's age with a management key from ${MANAGEMENT_KEY_ENV}.`,
  options: {
    max_age_days: { type: 'integer', description: 'warn when the key was created more than this many days ago', default: 90, minimum: 1 },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    const { management } = remote;
    if (!management) {
      return {
        findings: [],
        skipReason: `no management key: set ${MANAGEMENT_KEY_ENV} to a management key (${MANAGEMENT_KEYS_URL}) to read when the key was created`,
      };
    }
    const [audited, inventory] = await Promise.all([remote.key(), management.keys()]);
    if (!audited.ok) throw apiFailure('cannot read the key', audited.error);
    if (!inventory.ok) throw new CheckError(describeManagementFailure("cannot list the account's keys", inventory.error, management.keyEnv));

    const { label } = audited.data;
    const match = findAuditedKey(audited.data, inventory.data.keys);
    if (match.kind === 'ambiguous') {
      return { findings: [], skipReason: `${match.count} of the account's keys share the label ${label}: cannot tell which one is in ${remote.keyEnv}` };
    }
    if (match.kind === 'not-found') {
      const listed = inventory.data.keys.length;
      const among = inventory.data.complete ? `the ${listed} key${listed === 1 ? '' : 's'}` : `the first ${listed} keys`;
      return {
        findings: [],
        skipReason: `the key in ${remote.keyEnv} (${label}) is not among ${among} ${management.keyEnv} lists: it belongs to another account or workspace`,
      };
    }

    const created = Date.parse(match.key.created_at);
    if (Number.isNaN(created)) {
      throw new CheckError(`malformed answer from GET /keys: created_at of ${label} is not a date (${maskKeysIn(match.key.created_at).slice(0, 40)})`);
    }
    const days = Math.max(0, Math.floor((Date.now() - created) / DAY_MS));
    const maximum = Number(ctx.options.max_age_days);
    const date = new Date(created).toISOString().slice(0, 10);
    const named = match.key.name ? `"${maskKeysIn(match.key.name)}", ${label}` : label;
    const summary = `key ${named} created ${date}, ${ago(days)} (maximum ${maximum} days)`;
    if (days <= maximum) return { findings: [], summary };
    const message = `the key in ${remote.keyEnv} (${named}) was created on ${date}, ${ago(days)} (maximum ${maximum} days): create a new key, deploy it, then disable this one`;
    return { findings: [{ message, severity: ctx.severity }], summary };
  },
};

/** `today`, `1 day ago`, `120 days ago`. */
function ago(days: number): string {
  if (days === 0) return 'today';
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

export default check;
