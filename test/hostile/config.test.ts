import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { PLAIN } from '../support/plain-http.js';
import { generateKey } from '../support/workspace.js';
import { STACK_FRAME } from './support/audit.js';
import { suiteTree } from './support/sources.js';

const FILE = '.openrouter-check.yml';

/** `a: &a [x × 10]`, `b: &b [*a × 10]`… nine levels: a billion leaves if expanded. */
function billionLaughs(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level++)
    lines.push(
      `a${level}: &a${level} [${Array(10)
        .fill(`*a${level - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

const leakedKey = generateKey();

interface MalformedConfig {
  name: string;
  content: string | Buffer;
  /** The one line stderr must hold: `config error: <file>[:<line>]: <message>`. */
  error: string;
}

const MALFORMED: MalformedConfig[] = [
  // Wrong types, at every depth.
  {
    name: 'a section that is a number',
    content: 'checks: 3\n',
    error: `${FILE}:1: checks must be a mapping from check ids to off, warn, error or options (got 3)`,
  },
  {
    name: 'a size that is a word',
    content: 'scan:\n  max_file_size: big\n',
    error: `${FILE}:2: scan.max_file_size must be a positive size in bytes, or with a unit such as "2 MiB" or "512 KB" (got "big")`,
  },
  { name: 'a number written as a string', content: 'api:\n  retries: "2"\n', error: `${FILE}:2: api.retries must be a whole number from 0 to 10 (got "2")` },
  {
    name: 'a list written as one value',
    content: 'models:\n  fallbacks: openai/gpt-4o\n',
    error: `${FILE}:2: models.fallbacks must be a list of model ids (got "openai/gpt-4o")`,
  },
  {
    name: 'a severity that is no severity',
    content: 'checks:\n  max-tokens:\n    severity: loud\n',
    error: `${FILE}:3: checks.max-tokens.severity must be off, warn, error, true or false (got "loud")`,
  },
  {
    name: 'a YAML 1.1 boolean (read as a string in YAML 1.2)',
    content: 'checks:\n  max-tokens: yes\n',
    error: `${FILE}:2: checks.max-tokens must be off, warn, error, true, false or a mapping of severity and options (got "yes")`,
  },
  {
    name: 'a check option of the wrong type',
    content: 'checks:\n  auth:\n    warn_days: soon\n',
    error: `${FILE}:3: checks.auth.warn_days must be a whole number ≥ 0 (got "soon")`,
  },
  {
    name: 'an integer beyond what a number holds',
    content: 'api:\n  timeout_ms: 99999999999999999999999\n',
    error: `${FILE}:2: api.timeout_ms must be a whole number ≥ 1 (got 1e+23)`,
  },
  { name: 'NaN', content: 'api:\n  timeout_ms: .nan\n', error: `${FILE}:2: api.timeout_ms must be a whole number ≥ 1 (got NaN)` },
  {
    name: 'a tagged value',
    content: 'checks: !!binary aGVsbG8=\n',
    error: `${FILE}:1: checks must be a mapping from check ids to off, warn, error or options (got a !!binary value)`,
  },
  // Operator settings: refused whatever the value, which is never echoed.
  {
    name: 'a plain-http base URL',
    content: `api:\n  base_url: ${PLAIN}openrouter.ai/api/v1\n`,
    error: `${FILE}:2: api.base_url is an operator setting: the audited repository cannot choose where the key goes; use --base-url or OPENROUTER_CHECK_BASE_URL (or --config with a file outside the audited folder)`,
  },
  {
    name: 'a key where its variable name belongs (never echoed)',
    content: `api:\n  key_env: ${leakedKey}\n`,
    error: `${FILE}:2: api.key_env is an operator setting: the audited repository cannot choose which environment variable is sent as the key; use --key-env or OPENROUTER_CHECK_KEY_ENV (or --config with a file outside the audited folder)`,
  },
  // Unknown keys, with a suggestion when one is close.
  { name: 'a misspelt section', content: 'chekcs:\n  max-tokens: off\n', error: `${FILE}:1: chekcs is not a known setting; did you mean checks?` },
  {
    name: 'a camelCase setting',
    content: 'scan:\n  maxFileSize: 10\n',
    error: `${FILE}:2: scan.maxFileSize is not a known setting; did you mean scan.max_file_size?`,
  },
  { name: 'a misspelt check id', content: 'checks:\n  max-token: off\n', error: `${FILE}:2: checks.max-token is not a known check; did you mean max-tokens?` },
  {
    name: 'a misspelt check option',
    content: 'checks:\n  auth:\n    warn_day: 3\n',
    error: `${FILE}:3: checks.auth.warn_day is not an option of auth; did you mean warn_days?`,
  },
  {
    name: 'a key nothing resembles',
    content: 'scan:\n  constructor: 1\n',
    error: `${FILE}:2: scan.constructor is not a known setting (settings: include, exclude, max_file_size)`,
  },
  {
    name: '__proto__',
    content: '__proto__:\n  polluted: 1\n',
    error: `${FILE}:1: __proto__ is not a known setting (settings: checks, scan, models, api, plugins)`,
  },
  {
    name: 'a merge key (YAML 1.1 only)',
    content: 'checks:\n  <<: {max-tokens: off}\n',
    error: `${FILE}:2: checks."<<" is not a known check (see --list-checks)`,
  },
  {
    name: '150 unknown keys in one flow mapping (wide, not deep)',
    content: `{ ${Array.from({ length: 150 }, (_, index) => `k${index}: 1`).join(', ')} }\n`,
    error: `${FILE}:1: k0 is not a known setting (settings: checks, scan, models, api, plugins)`,
  },
  // Duplicates.
  { name: 'a section set twice', content: 'scan:\n  exclude: a\nscan:\n  exclude: b\n', error: `${FILE}:3: scan is set twice (first on line 1)` },
  {
    name: 'a check set twice',
    content: 'checks:\n  max-tokens: off\n  auth: warn\n  max-tokens: error\n',
    error: `${FILE}:4: checks.max-tokens is set twice (first on line 2)`,
  },
  // Not YAML, or not a mapping.
  {
    name: 'an unclosed flow sequence',
    content: 'checks:\n  max-tokens: [off\nscan: {\n',
    error: `${FILE}:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
  },
  {
    name: 'an unclosed quote',
    content: 'models:\n  primary: "openai/gpt-4o\n  fallbacks: []\n',
    error: `${FILE}:2: invalid YAML: a quoted string starting on this line has no closing "`,
  },
  {
    name: 'bad indentation',
    content: 'checks:\n  max-tokens: off\n   bad: indentation\n',
    error: `${FILE}:2: invalid YAML: Nested mappings are not allowed in compact mappings`,
  },
  { name: 'tab indentation', content: 'checks:\n\tmax-tokens: off\n', error: `${FILE}:2: invalid YAML: Tabs are not allowed as indentation` },
  {
    name: 'two documents',
    content: 'checks: {}\n---\nscan: {}\n',
    error: `${FILE}:2: invalid YAML: the file holds more than one YAML document (a second "---"); keep one`,
  },
  { name: 'a list', content: '- checks\n- scan\n', error: `${FILE}:1: the top level must be a mapping of settings such as "checks:" (got a list)` },
  { name: 'a scalar', content: 'hello\n', error: `${FILE}:1: the top level must be a mapping of settings such as "checks:" (got "hello")` },
  { name: 'an empty file', content: '', error: `${FILE}: the file is empty; expected settings such as "checks:"` },
  { name: 'comments only', content: '# checks: off\n', error: `${FILE}: the file is empty; expected settings such as "checks:"` },
  // Resource attacks: refused before they cost anything.
  {
    name: 'a billion laughs',
    content: billionLaughs(),
    error: `${FILE}:3: aliases expand too far (excessive alias count indicates a resource exhaustion attack)`,
  },
  {
    name: 'an alias to an anchor not yet defined',
    content: 'checks: *later\nscan: &later {}\n',
    error: `${FILE}:1: *later refers to an anchor that is not defined before it`,
  },
  {
    name: '5,000 nested brackets',
    content: `checks: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    error: `${FILE}:1: the file nests deeper than any setting needs (over 100 levels)`,
  },
  { name: '1,000 nested flow keys', content: `{${'a: '.repeat(1000)}1}\n`, error: `${FILE}:1: the file nests deeper than any setting needs (over 100 levels)` },
  {
    name: '120 levels of block indentation',
    content: `${Array.from({ length: 120 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n')}\n`,
    error: `${FILE}:101: the file nests deeper than any setting needs (over 100 levels)`,
  },
  { name: 'a 10 MB file', content: `# ${'x'.repeat(10 * 1024 * 1024)}\n`, error: `${FILE}: 10.0 MiB is too large for a config file (at most 256 KiB)` },
  // Not UTF-8.
  {
    name: 'a Latin-1 byte',
    content: Buffer.from('checks:\n  max-tokens: off\n  # caf\xe9\n', 'latin1'),
    error: `${FILE}:3: the file is not UTF-8 text (byte 0xE9 at column 8)`,
  },
  {
    name: 'UTF-16 (a Windows "Unicode" save)',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('checks:\n  max-tokens: off\n', 'utf16le')]),
    error: `${FILE}: the file is UTF-16 text; save it as UTF-8`,
  },
];

// Concurrent: each case is a process of its own. Trees live until the file ends (a per-test cleanup would race).
describe.concurrent('a malformed .openrouter-check.yml: exit 2 and one line naming the file and the line', () => {
  it.for(MALFORMED)('$name', async ({ content, error }, { expect }) => {
    const root = suiteTree({ [FILE]: content });

    const run = await runCli(['.', '--offline'], { cwd: root });

    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toContain(leakedKey);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `config error: ${error}\n` });
  });
});

describe.concurrent('--config naming something that is not a config file', () => {
  it('a FIFO is refused without being opened (opening it would block)', async ({ expect }) => {
    const root = suiteTree({});
    execFileSync('mkfifo', [join(root, 'pipe.yml')]);

    const run = await runCli(['.', '--offline', '--config', 'pipe.yml'], { cwd: root });

    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 2,
      stderr: 'config error: pipe.yml: expected a file, found a device, socket or pipe\n',
    });
  });

  it('a folder with spaces and accents in its name is named as given', async ({ expect }) => {
    const root = suiteTree({});
    mkdirSync(join(root, 'réglages partagés'));

    const run = await runCli(['.', '--offline', '--config', 'réglages partagés'], { cwd: root });

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: 'config error: réglages partagés: expected a file, found a directory\n' });
  });

  it('a path through a symlink loop', async ({ expect }) => {
    const root = suiteTree({});
    execFileSync('ln', ['-s', 'loop.yml', join(root, 'loop.yml')]);

    const run = await runCli(['.', '--offline', '--config', 'loop.yml'], { cwd: root });

    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^config error: loop\.yml: [^\n]+\n$/);
  });
});
