import { describe, expect, it, vi } from 'vitest';
import check from '../../src/checks/max-tokens.js';
import { findingsOf } from '../support/workspace.js';

vi.mock('../../src/languages/python/load-python.js', () => ({
  loadPythonParser: () => Promise.reject(new Error('WebAssembly is disabled')),
}));

describe('max-tokens when the Python parser cannot be loaded', () => {
  it('keeps the TypeScript findings and says, once, which Python was not analysed', async () => {
    const call = 'client.chat.completions.create';
    const findings = await findingsOf(check, { 'a.py': `${call}(model=m)`, 'b.py': `${call}(model=m)`, 'src/c.ts': `${call}({ model });` });
    expect(findings.map(({ file, severity, message }) => ({ file, severity, message }))).toEqual([
      { file: 'src/c.ts', severity: 'error', message: `chat.completions.create() sends no output cap (OpenAI SDK); add max_tokens: 1024` },
      { file: undefined, severity: 'warn', message: 'could not analyse 2 Python files: the Python parser could not be loaded (WebAssembly is disabled)' },
    ]);
  });
});
