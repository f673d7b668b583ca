import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docsUrlFor, REPOSITORY_URL } from '../src/checks/docs-url.js';
import { BUILT_IN_CHECKS } from '../src/checks/index.js';
import type { Check } from '../src/checks/types.js';
import { defaultConfig, loadConfig } from '../src/config/config.js';
import { makeTree } from './support/tree.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHECK_PAGES = resolve(ROOT, 'docs/checks');
const INDEX = resolve(ROOT, 'docs/README.md');
const EXAMPLE_CONFIG = resolve(ROOT, '.openrouter-check.yml.example');

const pageOf = (check: Check): string => readFileSync(resolve(CHECK_PAGES, `${check.id}.md`), 'utf8');
const checks = BUILT_IN_CHECKS.map((check) => ({ id: check.id, check }));

/** The text under `## <heading>`, up to the next heading of that level or above (a `#` comment in a code block is none). */
function section(page: string, heading: string): string | undefined {
  const lines = page.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start === -1) return undefined;
  let inCode = false;
  let end = lines.length;
  for (let index = start + 1; index < lines.length; index++) {
    if (lines[index]!.startsWith('```')) inCode = !inCode;
    else if (!inCode && /^#{1,2} /.test(lines[index]!)) {
      end = index;
      break;
    }
  }
  return lines.slice(start + 1, end).join('\n');
}

/** Relative link targets of a Markdown page (`[text](target)`), anchors and URLs left out. */
function relativeLinks(page: string): string[] {
  return [...page.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:|^#/.test(target));
}

describe('docs/checks/<id>.md', () => {
  it.each(checks)('$id has a page whose first heading is its id and title', ({ check }) => {
    expect(existsSync(resolve(CHECK_PAGES, `${check.id}.md`)), `docs/checks/${check.id}.md is missing`).toBe(true);
    const firstHeading = pageOf(check)
      .split('\n')
      .find((line) => line.startsWith('#'));
    expect(firstHeading).toBe(`# ${check.id} — ${check.title}`);
  });

  it.each(checks)('$id: the page states its category, kind, default severity and whether it spends credits', ({ check }) => {
    const facts = pageOf(check)
      .split('\n')
      .find((line) => line.startsWith('Category: '));
    expect(facts).toMatch(new RegExp(`^Category: \\*\\*${check.category}\\*\\* · Kind: \\*\\*${check.kind}\\*\\*`));
    expect(facts).toContain(`Default severity: **${check.defaultSeverity}**`);
    expect(facts).toContain(`Spends credits: **${check.spendsCredits ? 'yes' : 'no'}**`);
  });

  it.each(checks)('$id: the page says what, why and how to fix, with an example when the fix is in the project', ({ check }) => {
    const page = pageOf(check);
    for (const heading of ['What it checks', 'Why it matters', 'How to fix', 'Options']) {
      expect(section(page, heading)?.trim(), `## ${heading}`).toBeTruthy();
    }
    const examples = section(page, 'How to fix')!.match(/^```\w+$/gm) ?? [];
    if (check.kind === 'static' || check.readsWorkspace) expect(examples.length, 'a before and an after block').toBeGreaterThanOrEqual(2);
  });

  it.each(checks)('$id: the options section names the default severity, every option with its default, and the config key', ({ check }) => {
    const options = section(pageOf(check), 'Options')!;
    expect(options).toContain(`\`${check.defaultSeverity}\``);
    expect(options).toContain('.openrouter-check.yml');
    expect(options).toMatch(new RegExp(`^checks:\\n  ${check.id}:`, 'm'));
    for (const [name, schema] of Object.entries(check.options ?? {})) {
      const row = options.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, `a table row for option ${name}`).toBeDefined();
      expect(row).toContain(`| ${schema.type}`);
      if (schema.default !== undefined) expect(row).toContain(`| \`${String(schema.default)}\` |`);
      expect(row).toContain(schema.description);
    }
  });

  it.each(checks)('$id: a remote page says what it asks OpenRouter, and whether --no-spend skips it', ({ check }) => {
    const asks = section(pageOf(check), 'What it asks OpenRouter');
    if (check.kind !== 'remote') {
      expect(asks).toBeUndefined();
      return;
    }
    expect(asks).toMatch(/(GET|POST) \/api\/v1\//);
    if (check.spendsCredits) expect(asks).toContain('`--no-spend` skips it');
    else expect(asks).toContain('free');
  });

  it('has no page for an id that is not a built-in check', () => {
    const ids = new Set(BUILT_IN_CHECKS.map((check) => check.id));
    const strays = readdirSync(CHECK_PAGES).filter((name) => !(name.endsWith('.md') && ids.has(name.slice(0, -'.md'.length))));
    expect(strays).toEqual([]);
  });

  it('links only to files that exist', () => {
    const pages = [INDEX, ...readdirSync(CHECK_PAGES).map((name) => resolve(CHECK_PAGES, name))];
    const broken = pages.flatMap((page) =>
      relativeLinks(readFileSync(page, 'utf8'))
        .filter((target) => !existsSync(resolve(dirname(page), target.split('#')[0]!)))
        .map((target) => `${relative(ROOT, page)} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('docs/README.md', () => {
  const index = readFileSync(INDEX, 'utf8');

  it.each(checks)('links $id with its title, category, default severity and kind', ({ check }) => {
    const row = index.split('\n').find((line) => line.startsWith(`| [\`${check.id}\`]`));
    expect(row).toBe(`| [\`${check.id}\`](checks/${check.id}.md) | ${check.title} | ${check.category} | ${check.defaultSeverity} | ${check.kind} |`);
  });

  it('lists the checks in the order reports list them', () => {
    const listed = [...index.matchAll(/^\| \[`([\w-]+)`\]\(checks\//gm)].map((match) => match[1]);
    expect(listed).toEqual(BUILT_IN_CHECKS.map((check) => check.id));
  });
});

describe('docsUrlFor', () => {
  it('points at the page in the repository package.json names', () => {
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { repository: { url: string }; homepage: string };
    expect(manifest.repository.url).toBe(`git+${REPOSITORY_URL}.git`);
    expect(manifest.homepage).toBe(`${REPOSITORY_URL}#readme`);
    expect(docsUrlFor('max-tokens')).toBe(`${REPOSITORY_URL}/blob/main/docs/checks/max-tokens.md`);
  });
});

describe('.openrouter-check.yml.example', () => {
  const example = readFileSync(EXAMPLE_CONFIG, 'utf8');
  /** From `checks:` to the next top-level key. */
  const checksBlock = /^checks:\n((?:[ #].*\n|\n)*)/m.exec(example)?.[1] ?? '';

  it.each(checks)('names $id under checks:, set or commented out', ({ check }) => {
    expect(checksBlock).toMatch(new RegExp(`^ +(# *)?${check.id}:`, 'm'));
  });

  it('sets every check it names to its default severity and options, so copying it changes nothing', async () => {
    const outcome = await loadConfig({ root: ROOT, configPath: relative(process.cwd(), EXAMPLE_CONFIG), checks: BUILT_IN_CHECKS });
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(outcome.config.checks).toEqual(defaultConfig(BUILT_IN_CHECKS).checks);
  });

  it("copied as a repository's .openrouter-check.yml, loads to the same config as no file at all", async () => {
    const withoutFile = await loadConfig({ root: makeTree({ 'src/app.ts': 'export {};\n' }), checks: BUILT_IN_CHECKS });
    const withCopy = await loadConfig({ root: makeTree({ 'src/app.ts': 'export {};\n', '.openrouter-check.yml': example }), checks: BUILT_IN_CHECKS });
    expect(withoutFile).toMatchObject({ ok: true });
    expect(withCopy).toMatchObject({ ok: true, config: { configKind: 'repository' } });
    if (!withoutFile.ok || !withCopy.ok) return;
    const { configFile, configKind, ...settings } = withCopy.config;
    expect(configFile).toMatch(/\.openrouter-check\.yml$/);
    expect(configKind).toBe('repository');
    expect(settings).toEqual(withoutFile.config);
    expect(withCopy.notLoaded).toBeUndefined();
  });
});
