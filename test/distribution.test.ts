import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The GitHub Action has its own file: test/action.test.ts.

describe('.pre-commit-hooks.yaml', () => {
  it('audits the staged files without the network, as a node hook', () => {
    const hooks = parse(readFileSync(new URL('../.pre-commit-hooks.yaml', import.meta.url), 'utf8')) as Array<Record<string, unknown>>;
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'openrouter-check', language: 'node', entry: 'openrouter-check --staged --offline --quiet', pass_filenames: false }),
    ]);
  });
});
