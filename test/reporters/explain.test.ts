import { describe, expect, it } from 'vitest';
import { docsUrlFor } from '../../src/checks/docs-url.js';
import { BUILT_IN_CHECKS } from '../../src/checks/index.js';
import { renderCheckList, wrapWords } from '../../src/reporters/check-list.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { expectGolden } from '../support/golden.js';
import { sampleChecks } from '../support/sample-reports.js';

const ANSI_ESCAPE = /\u001b\[/;
const ANSI_SEQUENCES = /\u001b\[[0-9;]*m/g;
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('renderCheckList (--list-checks)', () => {
  it('matches its golden file', () => {
    expectGolden('check-list.text', renderCheckList(sampleChecks, { color: false }));
  });

  it('says the same thing in colour', () => {
    const coloured = renderCheckList(sampleChecks, { color: true });
    expect(coloured).toMatch(ANSI_ESCAPE);
    expect(coloured.replace(ANSI_SEQUENCES, '')).toBe(renderCheckList(sampleChecks, { color: false }));
  });

  it('lists every built-in check as `id  category  severity  kind  title`, then its docs', () => {
    const output = renderCheckList(BUILT_IN_CHECKS, { color: false });
    for (const check of BUILT_IN_CHECKS) {
      expect(output).toMatch(new RegExp(`^${check.id} +${check.category} +${check.defaultSeverity} +${check.kind} +\\S`, 'm'));
      expect(output.replace(/\s+/g, ' ')).toContain(check.docs.replace(/\s+/g, ' '));
    }
  });

  it('never prints control characters from a plugin', () => {
    expect(renderCheckList(sampleChecks, { color: false })).not.toMatch(CONTROL);
  });
});

describe('renderExplain (--explain <id>)', () => {
  it.each(sampleChecks.map((check) => ({ check, golden: `explain-${check.id}.text` })))('$golden matches its golden file', ({ check, golden }) => {
    expectGolden(golden, renderExplain(check, { color: false, builtIn: check.id !== 'acme-privacy' }));
  });

  it('says the same thing in colour', () => {
    const check = sampleChecks[1]!;
    const coloured = renderExplain(check, { color: true, builtIn: true });
    expect(coloured).toMatch(ANSI_ESCAPE);
    expect(coloured.replace(ANSI_SEQUENCES, '')).toBe(renderExplain(check, { color: false, builtIn: true }));
  });

  it.each(BUILT_IN_CHECKS.map((check) => ({ id: check.id, check })))(
    '$id: id, title, category, kind, severity, credits, options, docs, then the URL of its page',
    ({ check }) => {
      const output = renderExplain(check, { color: false, builtIn: true });
      expect(output.split('\n')[0]).toBe(`${check.id} — ${check.title}`);
      expect(output).toMatch(new RegExp(`^ +category +${check.category}$`, 'm'));
      expect(output).toMatch(new RegExp(`^ +kind +${check.kind}: `, 'm'));
      expect(output).toMatch(new RegExp(`^ +default severity +${check.defaultSeverity} `, 'm'));
      expect(output).toMatch(new RegExp(`^ +spends credits +${check.spendsCredits ? 'yes' : 'no'}`, 'm'));
      for (const [name, schema] of Object.entries(check.options ?? {})) {
        expect(output).toMatch(new RegExp(`^ +${name} +${schema.type}`, 'm'));
        expect(output.replace(/\s+/g, ' ')).toContain(schema.description);
      }
      expect(output.replace(/\s+/g, ' ')).toContain(check.docs.replace(/\s+/g, ' '));
      expect(output.trimEnd().split('\n').at(-1)).toBe(`More: https://github.com/openrouter-check/openrouter-check/blob/main/docs/checks/${check.id}.md`);
    },
  );

  it('points a plugin check at no page, and prints none of its control characters', () => {
    const plugin = sampleChecks.find((check) => check.id === 'acme-privacy')!;
    const output = renderExplain(plugin, { color: false, builtIn: false });
    expect(output).not.toContain('More:');
    expect(output).not.toContain(docsUrlFor(plugin.id));
    expect(output).not.toMatch(CONTROL);
  });
});

describe('wrapWords', () => {
  it('breaks at spaces within the width, and gives a longer word its own line', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('a https://openrouter.ai/settings/keys b', 10)).toEqual(['a', 'https://openrouter.ai/settings/keys', 'b']);
    expect(wrapWords('  ', 10)).toEqual([]);
  });
});
