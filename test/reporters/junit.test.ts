import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import type { RenderOptions } from '../../src/reporters/index.js';
import { render } from '../../src/reporters/index.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { expectGolden, readGolden } from '../support/golden.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

const JUNIT_SCHEMA = readFileSync(new URL('../schemas/junit.xsd', import.meta.url), 'utf8');

const GOLDEN_CASES: { golden: string; report: Report; options: RenderOptions }[] = [
  { golden: 'failing.junit.xml', report: failingReport, options: sampleOptions() },
  { golden: 'passing.junit.xml', report: passingReport, options: sampleOptions() },
  { golden: 'warning.junit.xml', report: warningReport, options: sampleOptions() },
  { golden: 'fail-on-warn.junit.xml', report: warningReport, options: sampleOptions({ failOn: 'warn' }) },
  { golden: 'failing-fail-on-warn.junit.xml', report: failingReport, options: sampleOptions({ failOn: 'warn' }) },
];

/** The attributes of the first `<name …>` tag, as written. */
function attributesOf(xml: string, name: string): Record<string, string> {
  const tag = new RegExp(`<${name}\\s([^>]*)>`).exec(xml)?.[1] ?? '';
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
}

describe('renderJunit', () => {
  it.each(GOLDEN_CASES)('$golden matches its golden file', ({ golden, report, options }) => {
    expectGolden(golden, renderJunit(report, options));
  });

  it.each(GOLDEN_CASES)('$golden is valid against the JUnit XSD', async ({ golden }) => {
    const result = await validateXML({ xml: [{ fileName: golden, contents: readGolden(golden) }], schema: [JUNIT_SCHEMA] });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has a validator that rejects what the XSD forbids (an attribute <testsuites> does not allow)', async () => {
    const invalid = readGolden('passing.junit.xml').replace('<testsuites name=', '<testsuites skipped="2" name=');
    const result = await validateXML({ xml: [{ fileName: 'invalid.junit.xml', contents: invalid }], schema: [JUNIT_SCHEMA] });
    expect(result.valid).toBe(false);
  });

  it.each(GOLDEN_CASES)('$golden counts in <testsuites> what the report and the exit code count', ({ report, options }) => {
    const totals = attributesOf(renderJunit(report, options), 'testsuites');
    const failures = report.summary.failed + (options.failOn === 'warn' ? report.summary.warned : 0);
    expect(totals).toEqual({
      name: 'openrouter-check',
      tests: String(report.checks.length),
      failures: String(failures),
      errors: String(report.summary.errored),
      time: (report.durationMs / 1000).toFixed(3),
    });
  });

  it('gives a warn its findings in <system-out> by default, and a failure under --fail-on warn', () => {
    expect(renderJunit(warningReport, sampleOptions())).not.toContain('<failure');
    expect(renderJunit(warningReport, sampleOptions())).toContain('<system-out>src/chat.ts:21:7 max_tokens is 32000');
    expect(renderJunit(warningReport, sampleOptions({ failOn: 'warn' }))).toContain(
      '<failure type="warn" message="2 warnings">src/chat.ts:21:7 max_tokens is 32000',
    );
  });

  it('lists findings as `path:line:col message` lines in the failure body, marking warnings', () => {
    const xml = renderJunit(failingReport, sampleOptions());
    expect(xml).toContain(
      [
        '<failure type="fail" message="2 errors, 1 warning">src/chat.ts:18:24 chat.completions.create() has no max_tokens: one long answer can cost dollars',
        'src/routes/stream &amp; retry.ts:57:9 fetch(&quot;.../chat/completions&quot;) sends a body without &quot;max_tokens&quot;',
        'src/summarize.ts:9:5 warn: max_tokens is `limits.tokens &lt; 0 ? 4096 : limits.tokens &amp;&amp; 512` and could not be resolved; check it is capped</failure>',
      ].join('\n'),
    );
  });

  it('escapes markup and drops what XML 1.0 forbids', () => {
    const xml = renderJunit(failingReport, sampleOptions());
    expect(xml).toContain(
      '<error type="error" message="OpenRouter answered 503 Service Unavailable: &quot;upstream timed out &lt;retry later&gt; &amp; &quot;"/>',
    );
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toMatch(/\p{Surrogate}/u);
  });

  it('is what render("junit") returns', () => {
    const options = sampleOptions({ failOn: 'warn' });
    expect(render('junit', failingReport, options)).toBe(renderJunit(failingReport, options));
  });
});
