import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { FIXTURES } from './support/fixtures.js';
import { makeTree } from './support/tree.js';
import { parseJsonReport } from './support/json-report.js';

interface JsonCheck {
  id: string;
  category: string;
  kind: string;
  severity: string;
  status: string;
  message: string;
  findings: Array<{ message: string; severity: string; file?: string; line?: number; column?: number }>;
}

const PLUGIN_APP = join(FIXTURES, 'plugin-app');

/** Plugins are code: every run here allows them, as an operator would (the hostile suite shows what happens without). */
const ALLOW = '--allow-plugins';

async function checksOf(args: string[]): Promise<{ status: number | null; checks: JsonCheck[] }> {
  const run = await runCli([...args, ALLOW, '--offline', '--format', 'json']);
  return { status: run.status, checks: parseJsonReport<{ checks: JsonCheck[] }>(run.stdout).checks };
}

/** A check module's source, exported as `export default <expression>`. */
const pluginSource = (expression: string): string => `export default ${expression};\n`;
const VALID_CHECK = `{ id: 'acme-rule', title: 'Acme rule', category: 'reliability', kind: 'static', defaultSeverity: 'warn',
  docs: 'Why it matters.', async run() { return [{ message: 'acme says no', severity: 'warn', file: 'src/a.ts', line: 1, column: 1 }]; } }`;

describe('plugins, allowed by the operator', () => {
  it('a plugin check runs beside the built-ins, with its config severity and options', async () => {
    const { status, checks } = await checksOf([PLUGIN_APP]);
    expect(status).toBe(1);
    const plugin = checks.find((check) => check.id === 'no-legacy-models');
    expect(plugin).toEqual({
      id: 'no-legacy-models',
      title: 'No retired models in the code',
      category: 'cost',
      kind: 'static',
      status: 'fail',
      severity: 'error',
      durationMs: expect.any(Number),
      message: '1 error',
      findings: [
        {
          message: 'openai/gpt-3.5-turbo is retired here; use openai/gpt-4o-mini',
          severity: 'error',
          file: 'src/summarize.ts',
          line: 7,
          column: 13,
          snippet: "model: 'openai/gpt-3.5-turbo',",
        },
      ],
    });
    expect(checks.map((check) => check.id).at(-1)).toBe('no-legacy-models');
  });

  it('is listed by --list-checks and selectable by --only', async () => {
    const list = await runCli([PLUGIN_APP, ALLOW, '--list-checks']);
    expect(list.stdout).toMatch(/no-legacy-models +cost +warn +static +No retired models in the code/);
    const { checks } = await checksOf([PLUGIN_APP, '--only', 'no-legacy-models']);
    expect(checks.filter((check) => check.status !== 'skip').map((check) => check.id)).toEqual(['no-legacy-models']);
  });

  it("loads a plugin package from the audited project's node_modules", async () => {
    const root = makeTree({
      '.openrouter-check.yml': 'plugins: [openrouter-check-plugin-acme]\n',
      'node_modules/openrouter-check-plugin-acme/package.json': '{ "name": "openrouter-check-plugin-acme", "type": "module", "main": "index.js" }',
      'node_modules/openrouter-check-plugin-acme/index.js': pluginSource(`[${VALID_CHECK}]`),
      'src/a.ts': 'export {};\n',
    });
    const { status, checks } = await checksOf([root]);
    expect(status).toBe(0);
    expect(checks.find((check) => check.id === 'acme-rule')).toMatchObject({ status: 'warn', category: 'reliability' });
  });

  it("a plugin that throws is that check's error; the rest of the run goes on", async () => {
    const root = makeTree({
      '.openrouter-check.yml': 'plugins:\n  - ./broken.mjs\n',
      'broken.mjs': pluginSource(
        `{ id: 'broken', title: 'Broken', category: 'cost', kind: 'static', defaultSeverity: 'error', docs: 'x', async run() { throw new Error('boom'); } }`,
      ),
    });
    const { status, checks } = await checksOf([root]);
    expect(status).toBe(1);
    expect(checks.find((check) => check.id === 'broken')).toMatchObject({ status: 'error', message: 'the check crashed: boom' });
    expect(checks.find((check) => check.id === 'hardcoded-key')).toMatchObject({ status: 'pass' });
  });

  const mistakes: Array<{ name: string; files: Record<string, string>; stderr: string | RegExp }> = [
    {
      name: 'a plugin file that does not exist',
      files: { '.openrouter-check.yml': 'checks:\n  max-tokens: warn\nplugins:\n  - ./checks/nope.mjs\n' },
      stderr: 'config error: .openrouter-check.yml:4: plugins: "./checks/nope.mjs" cannot be found',
    },
    {
      name: 'a package that is not installed',
      files: { '.openrouter-check.yml': 'plugins: [openrouter-check-plugin-missing]\n' },
      stderr: 'config error: .openrouter-check.yml:1: plugins: "openrouter-check-plugin-missing" cannot be found',
    },
    {
      name: 'a module that exports something else',
      files: { '.openrouter-check.yml': 'plugins: [./p.mjs]\n', 'p.mjs': pluginSource("{ id: 'Acme Rule' }") },
      stderr: 'config error: .openrouter-check.yml:1: plugins: "./p.mjs" does not export a valid check: id must be kebab-case, such as "no-gpt-3"',
    },
    {
      name: 'a plugin reusing a built-in id',
      files: { '.openrouter-check.yml': 'plugins: [./p.mjs]\n', 'p.mjs': pluginSource(VALID_CHECK.replace("'acme-rule'", "'max-tokens'")) },
      stderr: 'config error: .openrouter-check.yml:1: plugins: "./p.mjs" defines the check "max-tokens", which already exists',
    },
    {
      name: 'a module that fails to load',
      files: { '.openrouter-check.yml': 'plugins: [./p.mjs]\n', 'p.mjs': 'export default {;\n' },
      stderr: /^config error: \.openrouter-check\.yml:1: plugins: "\.\/p\.mjs" cannot be loaded: /,
    },
    {
      name: 'options of a plugin check that it does not declare',
      files: { '.openrouter-check.yml': 'plugins: [./p.mjs]\nchecks:\n  acme-rule: { colour: red }\n', 'p.mjs': pluginSource(VALID_CHECK) },
      stderr: 'config error: .openrouter-check.yml:3: checks.acme-rule.colour is not an option of acme-rule (it has none)',
    },
  ];
  it.each(mistakes)('$name: exit 2, one line naming the file and line', async ({ files, stderr }) => {
    const root = makeTree(files);
    const run = await runCli([root, ALLOW], { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof stderr === 'string') expect(lines[0]).toBe(stderr);
    else expect(lines[0]).toMatch(stderr);
  });
});

describe('plugins, not allowed', () => {
  const WARNING =
    'warning: plugins not loaded: ./checks/no-legacy-models.mjs (a plugin is code from the config; allow it with --allow-plugins or OPENROUTER_CHECK_ALLOW_PLUGINS=1); ' +
    'settings for checks.no-legacy-models ignored (no known check has that id)';

  it('the run goes on without them: one warning line naming them and the settings set aside, and the JSON report lists them', async () => {
    const run = await runCli([PLUGIN_APP, '--offline', '--format', 'json']);
    expect(run.stderr).toBe(`${WARNING}\n`);
    const report = JSON.parse(run.stdout) as { plugins?: unknown; checks: JsonCheck[] };
    expect(report.plugins).toEqual({ notLoaded: ['./checks/no-legacy-models.mjs'] });
    expect(report.checks.map((check) => check.id)).not.toContain('no-legacy-models');
  });

  it('OPENROUTER_CHECK_ALLOW_PLUGINS=1 allows them like the flag; 0 does not; any other value is a usage error', async () => {
    const allowed = await runCli([PLUGIN_APP, '--offline', '--format', 'json'], { env: { OPENROUTER_CHECK_ALLOW_PLUGINS: '1' } });
    expect(allowed.stderr).toBe('');
    expect((JSON.parse(allowed.stdout) as { checks: JsonCheck[] }).checks.map((check) => check.id)).toContain('no-legacy-models');
    const refused = await runCli([PLUGIN_APP, '--offline', '--format', 'json'], { env: { OPENROUTER_CHECK_ALLOW_PLUGINS: '0' } });
    expect(refused.stderr).toBe(`${WARNING}\n`);
    const unclear = await runCli([PLUGIN_APP, '--offline'], { env: { OPENROUTER_CHECK_ALLOW_PLUGINS: 'yes please' } });
    expect({ status: unclear.status, stderr: unclear.stderr, stdout: unclear.stdout }).toEqual({
      status: 2,
      stderr: 'error: OPENROUTER_CHECK_ALLOW_PLUGINS must be 1 (allow plugins) or 0 (got "yes please")\n',
      stdout: '',
    });
  });
});
