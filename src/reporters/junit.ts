import type { CheckResult, Finding } from '../checks/types.js';
import type { Report } from '../engine/report.js';
import { defuseLogCommandsInXml } from './log-commands.js';
import { printable } from './printable.js';
import type { RenderOptions } from './render-options.js';
import { groupByCategory, isMarkedWarning, locationOf } from './report-layout.js';

const SUITE_PREFIX = 'openrouter-check';

/**
 * JUnit XML in the Jenkins xUnit dialect (test/schemas/junit.xsd): one testsuite per category,
 * one testcase per check. Failures count exactly what makes the exit code 1.
 */
export function renderJunit(report: Report, options: RenderOptions): string {
  const suites = groupByCategory(report.checks).map((group) => {
    const classname = `${SUITE_PREFIX}.${group.category}`;
    return {
      attributes: {
        name: classname,
        tests: group.checks.length,
        failures: group.checks.filter((check) => countsAsFailure(check, options)).length,
        errors: group.checks.filter((check) => check.status === 'error').length,
        skipped: group.checks.filter((check) => check.status === 'skip').length,
        time: seconds(group.checks.reduce((total, check) => total + check.durationMs, 0)),
      },
      testcases: group.checks.map((check) => testcase(check, classname, options)),
    };
  });

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // The XSD allows only name, time, tests, failures and errors on <testsuites>.
    openTag('testsuites', {
      name: SUITE_PREFIX,
      tests: sum(suites.map((suite) => suite.attributes.tests)),
      failures: sum(suites.map((suite) => suite.attributes.failures)),
      errors: sum(suites.map((suite) => suite.attributes.errors)),
      time: seconds(report.durationMs),
    }),
  ];
  for (const suite of suites) {
    lines.push(`  ${openTag('testsuite', suite.attributes)}`);
    for (const testcaseLines of suite.testcases) lines.push(...testcaseLines.map((line) => `    ${line}`));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return defuseLogCommandsInXml(`${lines.join('\n')}\n`);
}

/** A warn fails the run under `--fail-on warn`, so it is a failure here too. */
function countsAsFailure(check: CheckResult, options: RenderOptions): boolean {
  return check.status === 'fail' || (check.status === 'warn' && options.failOn === 'warn');
}

function testcase(check: CheckResult, classname: string, options: RenderOptions): string[] {
  const open = openTag('testcase', { classname, name: check.id, time: seconds(check.durationMs) });
  const outcome = outcomeElement(check, options);
  if (outcome === undefined) return [open.replace(/>$/, '/>')];
  return [open, `  ${outcome}`, '</testcase>'];
}

/** The child element that carries a check's status; a pass has none. */
function outcomeElement(check: CheckResult, options: RenderOptions): string | undefined {
  switch (check.status) {
    case 'pass':
      return undefined;
    case 'fail':
      return element('failure', { type: 'fail', message: printable(check.message) }, findingsBody(check));
    case 'warn':
      if (countsAsFailure(check, options)) return element('failure', { type: 'warn', message: printable(check.message) }, findingsBody(check));
      return element('system-out', {}, findingsBody(check));
    case 'skip':
      return element('skipped', { message: printable(check.message) }, '');
    case 'error':
      return element('error', { type: 'error', message: printable(check.message) }, '');
  }
}

/**
 * One `path:line:col message` line per finding: GitLab and dorny/test-reporter read them here. A file
 * name or message with a line break would start a line of its own: each is printable, one line.
 */
function findingsBody(check: CheckResult): string {
  return check.findings.map((finding) => findingLine(check, finding)).join('\n');
}

function findingLine(check: CheckResult, finding: Finding): string {
  const message = isMarkedWarning(check, finding) ? `warn: ${printable(finding.message)}` : printable(finding.message);
  const location = locationOf(finding);
  return location === undefined ? message : `${printable(location)} ${message}`;
}

type Attributes = Readonly<Record<string, string | number>>;

function openTag(name: string, attributes: Attributes): string {
  const rendered = Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeXml(String(value), 'attribute')}"`);
  return `<${name}${rendered.join('')}>`;
}

function element(name: string, attributes: Attributes, body: string): string {
  const open = openTag(name, attributes);
  return body === '' ? open.replace(/>$/, '/>') : `${open}${escapeXml(body, 'text')}</${name}>`;
}

/** Milliseconds as seconds with 3 decimals, the XSD's SUREFIRE_TIME (no sign, no exponent). */
function seconds(milliseconds: number): string {
  return Number.isFinite(milliseconds) && milliseconds > 0 ? (milliseconds / 1000).toFixed(3) : '0.000';
}

function sum(counts: readonly number[]): number {
  return counts.reduce((total, count) => total + count, 0);
}

/** Characters XML 1.0 cannot hold at all, even escaped: most C0 controls, lone surrogates, U+FFFE/U+FFFF. */
const FORBIDDEN_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes the five markup characters and drops what XML forbids. Carriage returns (and, in
 * attributes, tabs and newlines) become character references, or parsers would normalise them away.
 */
function escapeXml(text: string, place: 'attribute' | 'text'): string {
  const markup = place === 'attribute' ? /[&<>"'\t\n\r]/g : /[&<>"'\r]/g;
  return text.replace(FORBIDDEN_IN_XML, '').replace(markup, (character) => ENTITIES[character] ?? `&#${character.charCodeAt(0)};`);
}
