import { remoteOf } from '../openrouter/remote-api.js';
import { CheckError } from './check-error.js';
import { paidRequestsSummary, probeModel, RAISE_PAID_REQUESTS } from './completion-probe.js';
import type { Check } from './types.js';

const check: Check = {
  id: 'test-completion',
  title: 'A test completion succeeds',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  spendsCredits: true,
  docs:
    'One real request proves the key, the credits and the model work together end to end. ' +
    'It sends one short message with max_tokens: 1 (a fraction of a cent); a 402 means the account or the key is out of credits.',
  options: {
    model: { type: 'string', description: 'the model to test (default: models.primary)' },
  },
  async run(ctx) {
    const model = typeof ctx.options.model === 'string' && ctx.options.model ? ctx.options.model : ctx.models.primary;
    if (!model) return { findings: [], skipReason: 'no model to test: set models.primary or checks.test-completion.model' };
    const remote = remoteOf(ctx);
    const verdict = await probeModel(remote, model, ctx.signal);
    const paid = paidRequestsSummary(remote);
    switch (verdict.kind) {
      case 'answered':
        return { findings: [], summary: `${verdict.summary}; ${paid}` };
      case 'refused':
        return { findings: [{ message: verdict.message, severity: ctx.severity }], summary: paid };
      case 'not-probed':
        return { findings: [{ message: `${model} not probed: ${verdict.reason}; ${RAISE_PAID_REQUESTS}`, severity: 'warn' }], summary: paid };
      case 'unreachable':
        throw new CheckError(verdict.message);
    }
  },
};

export default check;
