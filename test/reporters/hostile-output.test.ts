import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { renderCheckList } from '../../src/reporters/check-list.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { renderGithub, renderJson, renderJunit, renderSarif, renderStepSummary, renderText } from '../../src/reporters/index.js';
import { defuseLogCommands, defuseLogCommandsInJson, defuseLogCommandsInXml } from '../../src/reporters/log-commands.js';
import { codeSpan, markdownText } from '../../src/reporters/markdown.js';
import { printable } from '../../src/reporters/printable.js';
import { locationOf } from '../../src/reporters/report-layout.js';
import { expectGolden } from '../support/golden.js';
import { PLAIN } from '../support/plain-http.js';
import { HOSTILE_FILES, hostileCheck, hostileLineOf, hostileReport, sampleChecks, sampleOptions } from '../support/sample-reports.js';
import { commandLines, inlineMarkdown, parseCommand, runnerLines } from '../support/log-commands.js';
import { validateSarif } from '../support/sarif.js';

// A pull request chooses its file names, its code and (through its config) some API answers. None of
// it may become a CI log command or markup in any format the tool writes.

const JUNIT_SCHEMA = readFileSync(new URL('../schemas/junit.xsd', import.meta.url), 'utf8');

/** Control characters no line of text may carry (colour escapes aside, which only coloured text has). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const withLines = sampleOptions({ lineOf: hostileLineOf });

/** `printedInLogs: false`: GitHub renders the step summary as a page; no runner reads it for commands. */
const FORMATS: { name: string; output: string; printedInLogs?: false }[] = [
  { name: 'text', output: renderText(hostileReport, withLines) },
  { name: 'text, --quiet', output: renderText(hostileReport, { ...withLines, quiet: true }) },
  { name: 'text, --verbose, without source lines', output: renderText(hostileReport, sampleOptions({ verbose: true })) },
  { name: 'json', output: renderJson(hostileReport) },
  { name: 'junit', output: renderJunit(hostileReport, sampleOptions()) },
  { name: 'sarif', output: renderSarif(hostileReport, sampleOptions({ configFile: '.openrouter-check.yml' })) },
  { name: 'the step summary', output: renderStepSummary(hostileReport), printedInLogs: false },
  { name: '--list-checks', output: renderCheckList([...sampleChecks, hostileCheck], { color: false }) },
  { name: '--explain', output: renderExplain(hostileCheck, { color: false, builtIn: false }) },
];

describe('hostile file names, messages and snippets', () => {
  it.each(FORMATS)('$name: no line is a CI log command, and no raw control character', ({ output, printedInLogs }) => {
    expect(commandLines(output, { legacy: printedInLogs ?? true })).toEqual([]);
    expect(output).not.toMatch(RAW_CONTROL);
  });

  it('the coloured text report is as inert as the plain one', () => {
    const coloured = renderText(hostileReport, { ...withLines, color: true });
    expect(commandLines(coloured)).toEqual([]);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW_CONTROL);
  });

  it("github: every line is one of the tool's annotations, naming the real file, with the message on one line", () => {
    const output = renderGithub(hostileReport, sampleOptions());
    const lines = runnerLines(output.trimEnd());
    const findings = hostileReport.checks.flatMap((check) => check.findings);
    // One annotation per finding and one for the check that could not run: nothing split a line.
    expect(lines).toHaveLength(findings.length + 1);
    const commands = lines.map(parseCommand);
    expect(commands.map((command) => command.name)).toEqual(lines.map(() => 'error'));
    // File names keep their line breaks (escaped, read back by the runner); other control characters go.
    expect(commands.map((command) => command.properties.file).filter(Boolean)).toEqual(Object.values(HOSTILE_FILES).map((file) => file.replace('\u2028', ' ')));
    expect(commands.map((command) => command.data)).toEqual([
      ...findings.map((finding) => printable(finding.message)),
      `test-completion could not run: ${printable(hostileReport.checks[2]!.message)}`,
    ]);
    expect(lines[0]).toBe('::error file=src/evil%0A%3A%3Aerror%3A%3Apwned.ts,line=1,col=1,title=openrouter-check https-only::plain http ::error::pwned');
    expect(lines[2]).toBe(
      '::error file=src/%250A%3A%3Aerror%3A%3Aencoded%2525.ts,line=1,col=1,title=openrouter-check https-only::a ##[set-output name=x]y inside',
    );
  });

  it("text: each file name is on its finding's line, printable, and quoted code cannot start a command", () => {
    const lines = renderText(hostileReport, withLines).split('\n');
    for (const file of Object.values(HOSTILE_FILES)) {
      expect(lines.some((line) => line.startsWith(`    ${defuseLogCommands(printable(file))}:1:`))).toBe(true);
    }
    // The real line, its leading `::` broken by an invisible zero-width space; the caret under column 3.
    const quoted = lines.findIndex((line) => line.includes('title=from-code'));
    expect(lines[quoted]).toBe(`      \u200b::error title=from-code::see ${PLAIN}openrouter.ai ##\u200b[error]legacy`);
    expect(lines[quoted + 1]).toBe('      ^');
    expect(lines).toContain('    \u200b::error::a finding with no file ::warning::second line');
    expect(lines).toContain('  skipped: data/big ::error::skipped.json (over the size limit)');
  });

  it('junit: valid against the schema, one body line per finding, markup escaped', async () => {
    const xml = renderJunit(hostileReport, sampleOptions());
    const validation = await validateXML({ xml: [{ fileName: 'hostile.junit.xml', contents: xml }], schema: [JUNIT_SCHEMA] });
    expect(validation.errors).toEqual([]);
    expect(xml).not.toMatch(/<(?!\/?(?:testsuites|testsuite|testcase|failure|error|skipped|system-out)\b|\?xml )/);
    const body = /<failure type="fail" message="[^"]*">([^<]*)<\/failure>/.exec(xml)![1]!.split('\n');
    expect(body).toHaveLength(hostileReport.checks[0]!.findings.length);
    expect(body[0]).toBe('src/evil ::error::pwned.ts:1:1 plain http ::error::pwned');
    expect(body[3]).toBe('src/``tick`.ts:1:1 &lt;/failure&gt;&lt;script&gt;alert(1)&lt;/script&gt; | pipe `tick` &amp; amp');
    expect(body.at(-1)).toBe('&#58;:error::a finding with no file ::warning::second line');
  });

  it('json: every name, message and snippet reads back exactly as it was', () => {
    const parsed = JSON.parse(renderJson(hostileReport)) as Report;
    expect(parsed.root).toBe(hostileReport.root);
    expect(parsed.checks.map((check) => check.message)).toEqual(hostileReport.checks.map((check) => check.message));
    expect(parsed.checks[0]!.findings.map(({ fingerprint: _fingerprint, ...finding }) => finding)).toEqual(hostileReport.checks[0]!.findings);
    expect(parsed.workspace.skipped).toEqual(hostileReport.workspace.skipped);
  });

  it('sarif: schema-valid, each location a relative URI that decodes to the file, and no message can be a link', () => {
    const log = JSON.parse(renderSarif(hostileReport, sampleOptions())) as {
      runs: { results: { message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    const results = log.runs[0]!.results;
    const uris = results.flatMap((result) => result.locations ?? []).map((location) => location.physicalLocation.artifactLocation.uri);
    // Every finding with a file, in order, then the one without a file at the config file it came from.
    expect(uris.map(decodeURIComponent)).toEqual([...Object.values(HOSTILE_FILES), '.openrouter-check.yml']);
    for (const uri of uris) expect(uri).not.toMatch(/[#?:\s]/);
    expect(results.map((result) => result.message.text)).toContain('\\[click\\](https://evil.example) for details');
    expect(results.map((result) => result.message.text)).toContain('a ##[set-output name=x]y inside');
  });

  it('the step summary: each location is one balanced code span holding the name as written, the rest plain text', () => {
    const markdown = renderStepSummary(hostileReport);
    const findings = hostileReport.checks[0]!.findings;
    const findingLines = markdown.split('\n').filter((line) => line.startsWith('- '));
    expect(findingLines).toHaveLength(findings.length);
    for (const [index, line] of findingLines.entries()) {
      const parsed = inlineMarkdown(line.slice(2));
      expect(parsed.unbalanced, line).toBe(false);
      const location = locationOf(findings[index]!);
      expect(parsed.spans, line).toEqual(location === undefined ? [] : [printable(location)]);
      // Outside the span: no HTML, link, emphasis or block a name or message could open.
      expect(parsed.outside, line).not.toMatch(/<|(?<!\\)[[\]*_~|$]/);
      expect(line.slice(2), line).not.toMatch(/^(?:[#>+*-]|\d+[.)])/);
    }
    for (const row of markdown.split('\n').filter((line) => line.startsWith('| '))) {
      expect(row.split(/(?<!\\)\|/), row).toHaveLength(6);
      expect(inlineMarkdown(row).unbalanced, row).toBe(false);
      expect(inlineMarkdown(row).outside, row).not.toContain('<');
    }
    expect(markdown.split('\n').filter((line) => line.startsWith('#'))).toEqual(['## openrouter-check: ❌ not ready', '### https-only']);
  });

  it.each([
    { golden: 'hostile.text', output: () => renderText(hostileReport, withLines) },
    { golden: 'hostile.github', output: () => renderGithub(hostileReport, sampleOptions()) },
    { golden: 'hostile.junit.xml', output: () => renderJunit(hostileReport, sampleOptions()) },
    { golden: 'hostile.summary.md', output: () => renderStepSummary(hostileReport) },
  ])('$golden matches its golden file', ({ golden, output }) => {
    expectGolden(golden, output());
  });
});

describe('escaping helpers', () => {
  it.each([
    {
      name: 'a command at the start of a line',
      input: 'a\n  ::error::x\nb',
      text: 'a\n  \u200b::error::x\nb',
      xml: 'a\n  &#58;:error::x\nb',
      json: 'a\n  \\u003a:error::x\nb',
    },
    { name: 'a `::` inside a line is left alone', input: 'see ::error::x', text: 'see ::error::x', xml: 'see ::error::x', json: 'see ::error::x' },
    { name: 'the legacy form anywhere', input: 'x ##[error]y', text: 'x ##\u200b[error]y', xml: 'x ##&#91;error]y', json: 'x ##\\u005berror]y' },
    {
      name: 'Azure and TeamCity',
      input: '##vso[task.x]y ##teamcity[a]',
      text: '##vso\u200b[task.x]y ##teamcity\u200b[a]',
      xml: '##vso&#91;task.x]y ##teamcity&#91;a]',
      json: '##vso\\u005btask.x]y ##teamcity\\u005ba]',
    },
  ])('$name', ({ input, text, xml, json }) => {
    expect(defuseLogCommands(input)).toBe(text);
    expect(defuseLogCommandsInXml(input)).toBe(xml);
    expect(defuseLogCommandsInJson(input)).toBe(json);
  });

  it('JSON strings read back the same after escaping', () => {
    const value = { file: 'a ##[error]b ##vso[x]\u2028c', lines: ['::error::x'] };
    expect(JSON.parse(defuseLogCommandsInJson(JSON.stringify(value, null, 2)))).toEqual(value);
  });

  it.each([
    { input: 'src/a.ts', span: '`src/a.ts`' },
    { input: 'a`b', span: '``a`b``' },
    { input: 'a``b```c', span: '````a``b```c````' },
    { input: '`start', span: '`` `start ``' },
    { input: 'end`', span: '`` end` ``' },
    { input: ' both ', span: '`  both  `' },
    { input: 'a\nb', span: '`a b`' },
  ])('codeSpan($input) is $span', ({ input, span }) => {
    expect(codeSpan(input)).toBe(span);
    expect(inlineMarkdown(span).spans).toEqual([printable(input)]);
  });

  it.each([
    { input: 'plain words', markdown: 'plain words' },
    { input: '<img src=x> & ', markdown: '&lt;img src=x&gt; &amp; ' },
    { input: '[a](b) ![c](d) *e* _f_ ~g~ $h$ `i` |j| \\k', markdown: '\\[a\\](b) !\\[c\\](d) \\*e\\* \\_f\\_ \\~g\\~ \\$h\\$ \\`i\\` \\|j\\| \\\\k' },
    { input: '# heading', markdown: '\\# heading' },
    { input: '- item', markdown: '\\- item' },
    { input: '+ item', markdown: '\\+ item' },
    { input: '12. item', markdown: '12\\. item' },
    { input: '3) item', markdown: '3\\) item' },
    { input: '> quote', markdown: '&gt; quote' },
    { input: '    indented code', markdown: 'indented code' },
    { input: 'a\nb', markdown: 'a b' },
  ])('markdownText($input)', ({ input, markdown }) => {
    expect(markdownText(input)).toBe(markdown);
  });
});
