/**
 * Process-level failures nobody caught, end to end: a plugin check whose stray timer throws, or
 * whose forgotten promise rejects, with the key in the message. The run ends with one line on
 * stderr and exit code 2 (an internal error) — never Node's stack trace, never the key.
 */
import { describe, expect, it } from 'vitest';
import { maskKey } from '../../src/workspace/secrets.js';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const pluginThat = (body: string): string => `export default {
  id: 'stray', title: 'Leaves something behind', category: 'reliability', kind: 'static', defaultSeverity: 'error', docs: 'A test plugin.',
  async run() {
    ${body}
    await new Promise((resolve) => setTimeout(resolve, 200));
    return [];
  },
};
`;

describe('a failure nobody caught', () => {
  const key = generateKey();
  it.each([
    { name: 'a timer that throws', body: `setTimeout(() => { throw new Error('stray timer saw ${key}\\nat a second line'); }, 5);` },
    { name: 'a promise nobody awaits that rejects', body: `Promise.reject(new Error('forgotten promise saw ${key}'));` },
    { name: 'a rejection with a value that is not an Error', body: `Promise.reject('a bare string with ${key}');` },
    { name: 'a throw in process.nextTick', body: `process.nextTick(() => { throw new TypeError('next tick saw ${key}'); });` },
  ])('$name: one line, exit 2, no stack trace, the key masked', async ({ body }) => {
    const app = makeTree({ '.openrouter-check.yml': 'plugins: [./stray.mjs]\n', 'stray.mjs': pluginThat(body), 'src/app.ts': 'export const answer = 42;\n' });
    const run = await runCli([app, '--offline', '--allow-plugins', '--only', 'stray', '--format', 'json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^openrouter-check: internal error: [^\\n]*${maskKey(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\n$`));
    expect(run.stderr).not.toContain(key);
    expect(run.stdout).toBe('');
  });
});
