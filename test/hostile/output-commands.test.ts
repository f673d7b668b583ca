import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { commandLines, inlineMarkdown, parseCommand, runnerLines } from '../support/log-commands.js';
import { PLAIN } from '../support/plain-http.js';
import { validateSarif } from '../support/sarif.js';
import { makeTree } from '../support/tree.js';

// A pull request commits files whose names and lines are GitHub workflow commands, and the CI step
// audits the checkout with GITHUB_ACTIONS=true: every byte the tool prints or writes is read by the
// runner or rendered on the run's page. Only the tool's own annotations may be commands.

const JUNIT_XSD = readFileSync(new URL('../schemas/junit.xsd', import.meta.url), 'utf8');

/** A name with a line break then a command, a backtick, a pipe and HTML; and one with the legacy `##[` form. */
const EVIL_NAME = 'src/evil\n::error::pwned`|<script>.ts';
const LEGACY_NAME = 'src/##[error]legacy.txt';

function hostileCheckout(): string {
  return makeTree({
    [EVIL_NAME]: `export const url = "${PLAIN}openrouter.ai/api/v1";\n`,
    // The line itself is a command: the text report quotes it under its finding.
    [LEGACY_NAME]: `::error title=from-code::see ${PLAIN}openrouter.ai/api/v1 ##[error]legacy\n`,
  });
}

describe('file names and lines that are workflow commands, in GitHub Actions', () => {
  it("stdout, stderr, the step summary and every report file carry no command but the tool's own annotations", async () => {
    const checkout = hostileCheckout();
    const summary = join(checkout, '..', `${checkout.split('/').at(-1)}-summary.md`);
    const run = await runCli(['.', '--offline', '--only', 'https-only', '--report', 'junit=../reports/junit.xml', '--report', 'text=../reports/report.txt'], {
      cwd: checkout,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    // The annotations, read back as the runner reads them, point at the real files.
    const annotations = commandLines(run.stdout).map(parseCommand);
    expect(annotations.map(({ name, properties }) => [name, properties.file, properties.line, properties.title])).toEqual([
      ['error', LEGACY_NAME, '1', 'openrouter-check https-only'],
      ['error', EVIL_NAME, '1', 'openrouter-check https-only'],
    ]);
    expect(commandLines(run.stdout)).toEqual(runnerLines(run.stdout).filter((line) => line.startsWith('::error file=')));
    // The text report names the file on its finding's line and quotes the command-like line inertly.
    expect(run.stdout).toContain(
      `    src/evil ::error::pwned\`|<script>.ts:1:21  ${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https\n`,
    );
    expect(run.stdout).toContain(`      \u200b::error title=from-code::see ${PLAIN}openrouter.ai/api/v1 ##\u200b[error]legacy\n`);

    const markdown = readFileSync(summary, 'utf8');
    expect(commandLines(markdown, { legacy: false })).toEqual([]);
    const evilLine = markdown.split('\n').find((line) => line.includes('pwned'))!;
    // The name shows literally in one balanced code span; nothing outside it is HTML.
    expect(inlineMarkdown(evilLine)).toEqual({
      spans: ['src/evil ::error::pwned`|<script>.ts:1:21'],
      outside: `-  ${PLAIN}openrouter.ai/api/v1 talks to OpenRouter over plain http; use https`,
      unbalanced: false,
    });
    expect(
      markdown
        .split('\n')
        .map((line) => inlineMarkdown(line).outside)
        .join('\n'),
    ).not.toContain('<script>');

    const junit = readFileSync(join(checkout, '../reports/junit.xml'), 'utf8');
    expect(commandLines(junit)).toEqual([]);
    expect((await validateXML({ xml: [{ fileName: 'junit.xml', contents: junit }], schema: [JUNIT_XSD] })).errors).toEqual([]);
    expect(junit).toContain('src/evil ::error::pwned`|&lt;script&gt;.ts:1:21 ');
    expect(commandLines(readFileSync(join(checkout, '../reports/report.txt'), 'utf8'))).toEqual([]);
  });

  it.each(['json', 'sarif', 'junit', 'github'] as const)('--format %s on stdout: no command but the annotations of --format github', async (format) => {
    const checkout = hostileCheckout();
    const run = await runCli(['.', '--offline', '--only', 'https-only', '--format', format], { cwd: checkout, env: { GITHUB_ACTIONS: 'true' } });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    if (format === 'github') {
      expect(commandLines(run.stdout).map((line) => parseCommand(line).properties.file)).toEqual([LEGACY_NAME, EVIL_NAME]);
      return;
    }
    expect(commandLines(run.stdout)).toEqual([]);
    if (format === 'json') {
      const report = JSON.parse(run.stdout) as Report;
      expect(report.checks.find((check) => check.id === 'https-only')!.findings.map((finding) => finding.file)).toEqual([LEGACY_NAME, EVIL_NAME]);
    }
    if (format === 'sarif') {
      const log = JSON.parse(run.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
      expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
      expect(log.runs[0]!.results.map((result) => decodeURIComponent(result.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual([
        LEGACY_NAME,
        EVIL_NAME,
      ]);
    }
  });

  it('a usage error quoting a hostile name is one inert line on stderr', async () => {
    const checkout = hostileCheckout();
    const run = await runCli(['.', '--offline', '--report', `json=${EVIL_NAME}/report.json`], { cwd: checkout });

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: --report: refusing to write "src/evil ::error::pwned`|<script>.ts/report.json": "src/evil ::error::pwned`|<script>.ts" is not a folder\n',
    );
    expect(commandLines(run.stderr)).toEqual([]);
  });
});
