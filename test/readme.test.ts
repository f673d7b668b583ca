import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CHECKS } from '../src/checks/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const README = resolve(ROOT, 'README.md');
const readme = readFileSync(README, 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown page's headings (a `#` line inside a code block is none). */
function anchorsOf(page: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of page.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    else if (!inCode && /^#{1,6} /.test(line)) anchors.add(anchorOf(line.replace(/^#+ /, '')));
  }
  return anchors;
}

/** `[text](target)` links outside code blocks that point into the repository: no URL scheme. */
function relativeLinks(page: string): string[] {
  const prose = page.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
}

const MARKDOWN_PAGES = [
  README,
  resolve(ROOT, 'CONTRIBUTING.md'),
  resolve(ROOT, 'SECURITY.md'),
  ...readdirSync(resolve(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => resolve(ROOT, 'docs', name)),
  ...readdirSync(resolve(ROOT, 'docs/checks')).map((name) => resolve(ROOT, 'docs/checks', name)),
];

describe('README.md, the front page', () => {
  it('stays under 20 KB: detail belongs in docs/', () => {
    expect(statSync(README).size).toBeLessThan(20_000);
  });

  it('has a table of contents linking every section', () => {
    const sections = readme.split('\n').filter((line) => line.startsWith('## ') && line !== '## Contents');
    const contents = readme.slice(readme.indexOf('\n## Contents\n'), readme.indexOf('\n## ', readme.indexOf('\n## Contents\n') + 1));
    for (const section of sections) {
      const title = section.slice('## '.length);
      expect(contents).toContain(`- [${title}](#${anchorOf(title)})`);
    }
  });

  it('says how to set it up and run it from a clone, and with npx once published', () => {
    const runIt = readme.slice(readme.indexOf('\n## Run it\n'), readme.indexOf('\n## ', readme.indexOf('\n## Run it\n') + 1));
    expect(runIt).toContain('npm ci && npm run build\nnode bin/openrouter-check.js ');
    expect(runIt).toContain('`npx openrouter-check`');
  });

  it('lists every built-in check in the order reports list them, linking its page, with its category, severity and kind', () => {
    const rows = readme.split('\n').filter((line) => /^\| \[`[\w-]+`\]\(docs\/checks\//.test(line));
    expect(rows.map((row) => /^\| \[`([\w-]+)`\]/.exec(row)![1])).toEqual(BUILT_IN_CHECKS.map((check) => check.id));
    for (const [index, check] of BUILT_IN_CHECKS.entries()) {
      expect(rows[index]).toMatch(
        new RegExp(`^\\| \\[\`${check.id}\`\\]\\(docs/checks/${check.id}\\.md\\) \\| ${check.category} \\| ${check.defaultSeverity} \\| ${check.kind} \\| \\S`),
      );
    }
  });

  it('says that copying the example config changes nothing', () => {
    expect(readme).toContain('[`.openrouter-check.yml.example`](.openrouter-check.yml.example)');
    expect(readme).toMatch(/copying it changes nothing/i);
    expect(readFileSync(resolve(ROOT, 'docs/configuration.md'), 'utf8')).toMatch(/copying it changes nothing/i);
  });

  it('links each page of docs/', () => {
    for (const name of readdirSync(resolve(ROOT, 'docs')).filter((file) => file.endsWith('.md') && file !== 'README.md')) {
      expect(readme).toContain(`](docs/${name})`);
    }
    expect(readme).toContain('](docs/README.md)');
    expect(readme).toContain('](CONTRIBUTING.md)');
  });
});

describe('links between the Markdown pages', () => {
  it('point at files that exist, and at headings that exist', () => {
    const broken = MARKDOWN_PAGES.flatMap((page) =>
      relativeLinks(readFileSync(page, 'utf8')).flatMap((target) => {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? page : resolve(dirname(page), path);
        if (!existsSync(file)) return [`${relative(ROOT, page)} → ${target}: no such file`];
        if (anchor === undefined || !file.endsWith('.md')) return [];
        return anchorsOf(readFileSync(file, 'utf8')).has(anchor) ? [] : [`${relative(ROOT, page)} → ${target}: no such heading`];
      }),
    );
    expect(broken).toEqual([]);
  });
});
