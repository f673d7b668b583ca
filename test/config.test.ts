import { chmodSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_CONFIG, DEFAULT_MAX_FILE_SIZE, defaultConfig, loadConfig, parseByteSize } from '../src/config/config.js';
import type { Config, ConfigKind, ConfigOutcome } from '../src/config/config.js';
import type { Check, CheckOptionSchema, Severity } from '../src/checks/types.js';
import { maskKey } from '../src/workspace/secrets.js';
import { PLAIN } from './support/plain-http.js';
import { makeTree } from './support/tree.js';
import { generateGitHubToken, generateKey } from './support/workspace.js';

function fakeCheck(id: string, defaultSeverity: Severity, options?: Record<string, CheckOptionSchema>): Check {
  return { id, title: id, category: 'reliability', kind: 'static', defaultSeverity, docs: '', options, run: async () => [] };
}

/** The ids DESIGN.md lists, with options of every type on two of them. */
const CHECKS: readonly Check[] = [
  fakeCheck('hardcoded-key', 'error'),
  fakeCheck('https-only', 'error'),
  fakeCheck('max-tokens', 'error', {
    max_value: { type: 'integer', description: 'largest accepted max_tokens', default: 4096, minimum: 1 },
    ratio: { type: 'number', description: 'share of the context', default: 0.5, minimum: 0 },
    model: { type: 'string', description: 'model to compare with' },
    strict: { type: 'boolean', description: 'flag computed values', default: false },
  }),
  fakeCheck('auth', 'warn', { warn_days: { type: 'integer', description: 'days before expiry', default: 7, minimum: 0 } }),
  fakeCheck('credit-limit', 'warn'),
  fakeCheck('model-availability', 'error'),
  fakeCheck('test-completion', 'error'),
  fakeCheck('fallback-reachability', 'warn'),
];

const CONFIG_NAME = '.openrouter-check.yml';

/** How loadConfig names a discovered file: relative to the working directory. */
const shown = (root: string, name = CONFIG_NAME): string => relative(process.cwd(), join(root, name));

async function loadText(text: string | Buffer, name = CONFIG_NAME): Promise<{ root: string; outcome: ConfigOutcome }> {
  const root = makeTree({ [name]: text });
  return { root, outcome: await loadConfig({ root, checks: CHECKS }) };
}

/** An operator's config: a --config file in a folder of its own, outside the audited one. */
async function loadOperatorText(text: string | Buffer): Promise<{ configPath: string; outcome: ConfigOutcome }> {
  const configPath = relative(process.cwd(), join(makeTree({ 'operator.yml': text }), 'operator.yml'));
  const root = makeTree({ 'src/index.ts': '' });
  return { configPath, outcome: await loadConfig({ root, configPath, checks: CHECKS }) };
}

async function configOf(text: string, kind: ConfigKind = 'repository'): Promise<Config> {
  const { outcome } = kind === 'repository' ? await loadText(text) : await loadOperatorText(text);
  if (!outcome.ok) throw new Error(`expected the config to load, got: ${outcome.error}`);
  return outcome.config;
}

/**
 * The error line a user sees, for a file at the root (or an operator's --config file):
 * `config error: <file>:<line>: <message>`.
 */
async function errorOf(text: string | Buffer, kind: ConfigKind = 'repository'): Promise<string> {
  const { file, outcome } =
    kind === 'repository'
      ? await loadText(text).then(({ root, outcome }) => ({ file: shown(root), outcome }))
      : await loadOperatorText(text).then(({ configPath, outcome }) => ({ file: configPath, outcome }));
  if (outcome.ok) throw new Error('expected a config error');
  const prefix = `config error: ${file}`;
  expect(outcome.error.startsWith(prefix)).toBe(true);
  expect(outcome.error).not.toMatch(/[\r\n]/);
  return outcome.error.slice(prefix.length);
}

interface ErrorCase {
  name: string;
  yaml: string;
  /** `:<line>: <message>`, or `: <message>` when the error has no line. */
  error: string;
  /** Who wrote the file: the audited repository (the default), or the operator (--config outside it). */
  kind?: ConfigKind;
}

const USE_CONFIG = '(or --config with a file outside the audited folder)';

const errorCases: ErrorCase[] = [
  // The file as a whole.
  { name: 'an empty file', yaml: '', error: ': the file is empty; expected settings such as "checks:"' },
  { name: 'a comment-only file', yaml: '# nothing yet\n\n# still nothing\n', error: ': the file is empty; expected settings such as "checks:"' },
  { name: 'a document marker alone', yaml: '---\n', error: ': the file is empty; expected settings such as "checks:"' },
  {
    name: 'a list at the top level',
    yaml: '# settings\n- checks\n- scan\n',
    error: ':2: the top level must be a mapping of settings such as "checks:" (got a list)',
  },
  { name: 'a word at the top level', yaml: 'checks\n', error: ':1: the top level must be a mapping of settings such as "checks:" (got "checks")' },
  { name: 'an explicit null at the top level', yaml: 'null\n', error: ':1: the top level must be a mapping of settings such as "checks:" (got nothing)' },

  // YAML syntax.
  {
    name: 'a bad indentation',
    yaml: 'checks:\n  auth: warn\n   credit-limit: off\n',
    error: ':2: invalid YAML: Nested mappings are not allowed in compact mappings',
  },
  {
    name: 'an unclosed flow list',
    yaml: 'plugins: [a, b\nscan: {}\n',
    error: ':2: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    name: 'an unclosed quote',
    yaml: 'models:\n  primary: "openai/gpt-4o\n',
    error: ':2: invalid YAML: a quoted string starting on this line has no closing "',
  },
  {
    name: 'an unclosed single quote',
    yaml: "plugins:\n  - 'a\n  - b\napi: {}\n",
    error: ":2: invalid YAML: a quoted string starting on this line has no closing '",
  },
  { name: 'a tab for indentation', yaml: 'scan:\n\texclude: []\n', error: ':2: invalid YAML: Tabs are not allowed as indentation' },
  {
    name: 'two documents',
    yaml: 'checks: {}\n---\nscan: {}\n',
    error: ':2: invalid YAML: the file holds more than one YAML document (a second "---"); keep one',
  },
  { name: 'an alias to an unknown anchor', yaml: 'models:\n  fallbacks: *models\n', error: ':2: *models refers to an anchor that is not defined before it' },
  {
    name: 'an alias bomb',
    yaml: [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      '',
    ].join('\n'),
    error: ':4: aliases expand too far (excessive alias count indicates a resource exhaustion attack)',
  },

  // Keys.
  {
    name: 'a duplicate check',
    yaml: 'checks:\n  auth: warn\n  model-availability: off\n  auth: off\n',
    error: ':4: checks.auth is set twice (first on line 2)',
  },
  { name: 'a duplicate section', yaml: 'scan: {}\nmodels: {}\nscan: {}\n', error: ':3: scan is set twice (first on line 1)' },
  { name: 'a list as a key', yaml: 'scan:\n  ? [include]\n  : src/\n', error: ':2: scan has a key that is not a plain name' },
  { name: 'an unknown top-level key, close', yaml: 'chekcs:\n  auth: off\n', error: ':1: chekcs is not a known setting; did you mean checks?' },
  {
    name: 'an unknown top-level key, far',
    yaml: 'checks: {}\nreporters: [json]\n',
    error: ':2: reporters is not a known setting (settings: checks, scan, models, api, plugins)',
  },
  {
    name: 'an unknown nested key, close',
    yaml: 'scan:\n  include: src/\n  exclud: dist/\n',
    error: ':3: scan.exclud is not a known setting; did you mean scan.exclude?',
  },
  { name: 'a camelCase key', yaml: 'scan:\n  maxFileSize: 2 MiB\n', error: ':2: scan.maxFileSize is not a known setting; did you mean scan.max_file_size?' },
  {
    name: 'an unknown nested key, far',
    yaml: 'api:\n  proxy: http://proxy\n',
    error: ':2: api.proxy is not a known setting (settings: base_url, key_env, timeout_ms, retries)',
  },
  {
    name: 'a key with spaces',
    yaml: 'models:\n  "primary model": x\n',
    error: ':2: models."primary model" is not a known setting (settings: primary, fallbacks, required)',
  },
  { name: 'a section that is not a mapping', yaml: 'scan: src/\n', error: ':1: scan must be a mapping of settings (got "src/")' },

  // checks
  {
    name: 'an unknown check, close',
    yaml: '# settings\nchecks:\n  hardcoded-key: error\n  max-tokns: warn\n',
    error: ':4: checks.max-tokns is not a known check; did you mean max-tokens?',
  },
  { name: 'an unknown check, far', yaml: 'checks:\n  latency: warn\n', error: ':2: checks.latency is not a known check (see --list-checks)' },
  {
    name: 'checks as a list',
    yaml: 'checks:\n  - auth\n',
    error: ':2: checks must be a mapping from check ids to off, warn, error or options (got a list)',
  },
  {
    name: 'an unknown severity',
    yaml: 'checks:\n  auth: warning\n',
    error: ':2: checks.auth must be off, warn, error, true, false or a mapping of severity and options (got "warning")',
  },
  {
    name: 'a misspelt severity',
    yaml: 'checks:\n  auth: eror\n',
    error: ':2: checks.auth must be off, warn, error, true, false or a mapping of severity and options (got "eror"); did you mean error?',
  },
  {
    name: 'a check with nothing after it',
    yaml: 'checks:\n  auth:\n  https-only: off\n',
    error: ':2: checks.auth must be off, warn, error, true, false or a mapping of severity and options (got nothing)',
  },
  {
    name: 'YAML 1.1 "no" is not a boolean',
    yaml: 'checks:\n  auth: no\n',
    error: ':2: checks.auth must be off, warn, error, true, false or a mapping of severity and options (got "no")',
  },
  {
    name: 'a bad severity in a mapping',
    yaml: 'checks:\n  max-tokens:\n    severity: high\n',
    error: ':3: checks.max-tokens.severity must be off, warn, error, true or false (got "high")',
  },
  {
    name: 'an unknown option, listing the options',
    yaml: 'checks:\n  max-tokens:\n    severity: warn\n    foo: 1\n',
    error: ':4: checks.max-tokens.foo is not an option of max-tokens (options: max_value, ratio, model, strict)',
  },
  {
    name: 'an unknown option, close to one',
    yaml: 'checks:\n  max-tokens:\n    max_valeu: 100\n',
    error: ':3: checks.max-tokens.max_valeu is not an option of max-tokens; did you mean max_value?',
  },
  {
    name: 'an option of a check that has none',
    yaml: 'checks:\n  https-only:\n    allow: [localhost]\n',
    error: ':3: checks.https-only.allow is not an option of https-only (it has none)',
  },
  {
    name: 'a misspelt severity key',
    yaml: 'checks:\n  https-only:\n    severty: off\n',
    error: ':3: checks.https-only.severty is not an option of https-only; did you mean severity?',
  },
  {
    name: 'an integer option given a word',
    yaml: 'checks:\n  auth:\n    warn_days: soon\n',
    error: ':3: checks.auth.warn_days must be a whole number ≥ 0 (got "soon")',
  },
  {
    name: 'an integer option below its minimum',
    yaml: 'checks:\n  auth:\n    warn_days: -1\n',
    error: ':3: checks.auth.warn_days must be a whole number ≥ 0 (got -1)',
  },
  {
    name: 'an integer option given a fraction',
    yaml: 'checks:\n  max-tokens: { max_value: 1.5 }\n',
    error: ':2: checks.max-tokens.max_value must be a whole number ≥ 1 (got 1.5)',
  },
  {
    name: 'an integer option given quoted digits',
    yaml: 'checks:\n  max-tokens: { max_value: "100" }\n',
    error: ':2: checks.max-tokens.max_value must be a whole number ≥ 1 (got "100")',
  },
  {
    name: 'a number option below its minimum',
    yaml: 'checks:\n  max-tokens:\n    ratio: -0.5\n',
    error: ':3: checks.max-tokens.ratio must be a number ≥ 0 (got -0.5)',
  },
  {
    name: 'a number option given infinity',
    yaml: 'checks:\n  max-tokens:\n    ratio: .inf\n',
    error: ':3: checks.max-tokens.ratio must be a number ≥ 0 (got Infinity)',
  },
  {
    name: 'a string option given a list',
    yaml: 'checks:\n  max-tokens:\n    model: [a, b]\n',
    error: ':3: checks.max-tokens.model must be a string (got a list)',
  },
  {
    name: 'a boolean option given yes',
    yaml: 'checks:\n  max-tokens:\n    strict: yes\n',
    error: ':3: checks.max-tokens.strict must be true or false (got "yes")',
  },

  // scan
  {
    name: 'include as a mapping',
    yaml: 'scan:\n  include:\n    src: true\n',
    error: ':3: scan.include must be a gitignore-style pattern or a list of them (got a mapping)',
  },
  {
    name: 'a number in exclude',
    yaml: 'scan:\n  exclude:\n    - dist/\n    - 42\n',
    error: ':4: scan.exclude[1] must be a gitignore-style pattern such as "generated/" (got 42)',
  },
  { name: 'an empty pattern', yaml: 'scan:\n  include: ""\n', error: ':2: scan.include must be a gitignore-style pattern such as "generated/" (got "")' },
  {
    name: 'a size without a number',
    yaml: 'scan:\n  max_file_size: big\n',
    error: ':2: scan.max_file_size must be a positive size in bytes, or with a unit such as "2 MiB" or "512 KB" (got "big")',
  },
  {
    name: 'a size of zero',
    yaml: 'scan:\n  max_file_size: 0\n',
    error: ':2: scan.max_file_size must be a positive size in bytes, or with a unit such as "2 MiB" or "512 KB" (got 0)',
  },
  {
    name: 'a negative size',
    yaml: 'scan:\n  max_file_size: -1 MB\n',
    error: ':2: scan.max_file_size must be a positive size in bytes, or with a unit such as "2 MiB" or "512 KB" (got "-1 MB")',
  },
  {
    name: 'an unknown unit',
    yaml: 'scan:\n  max_file_size: 2M\n',
    error: ':2: scan.max_file_size must be a positive size in bytes, or with a unit such as "2 MiB" or "512 KB" (got "2M")',
  },

  // models
  {
    name: 'a model id with a space',
    yaml: 'models:\n  primary: openai/gpt 4o\n',
    error: ':2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "openai/gpt 4o")',
  },
  {
    name: 'an empty model id',
    yaml: 'models:\n  primary: ""\n',
    error: ':2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "")',
  },
  {
    name: 'fallbacks as one id',
    yaml: 'models:\n  fallbacks: anthropic/claude-3.5-haiku\n',
    error: ':2: models.fallbacks must be a list of model ids (got "anthropic/claude-3.5-haiku")',
  },
  {
    name: 'a number among required models',
    yaml: 'models:\n  required:\n    - openai/gpt-4o\n    - 4\n',
    error: ':4: models.required[1] must be a model id without spaces, such as openai/gpt-4o-mini (got 4)',
  },

  // api, as an operator's config may set it
  {
    name: 'a plain-http base URL',
    kind: 'operator',
    yaml: `api:\n  base_url: ${PLAIN}openrouter.ai/api/v1\n`,
    error: ':2: api.base_url uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])',
  },
  {
    name: 'plain http to a name that starts with localhost',
    kind: 'operator',
    yaml: 'api:\n  base_url: http://localhost.example.com/v1\n',
    error: ':2: api.base_url uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])',
  },
  {
    name: 'plain http to a private address',
    kind: 'operator',
    yaml: 'api:\n  base_url: http://10.0.0.1:8080\n',
    error: ':2: api.base_url uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])',
  },
  { name: 'another scheme', kind: 'operator', yaml: 'api:\n  base_url: ftp://openrouter.ai/\n', error: ':2: api.base_url must use https' },
  {
    name: 'a base URL that is not a URL',
    kind: 'operator',
    yaml: 'api:\n  base_url: openrouter.ai/api/v1\n',
    error: ':2: api.base_url is not a valid URL (such as https://openrouter.ai/api/v1)',
  },
  {
    name: 'a base URL that is not text',
    kind: 'operator',
    yaml: 'api:\n  base_url: [a]\n',
    error: ':2: api.base_url must be a URL such as https://openrouter.ai/api/v1 (got a list)',
  },
  {
    name: 'a key_env with a space',
    kind: 'operator',
    yaml: 'api:\n  key_env: MY KEY\n',
    error: ':2: api.key_env must be an environment variable name such as OPENROUTER_API_KEY (got "MY KEY")',
  },
  {
    name: 'a key in key_env',
    kind: 'operator',
    yaml: 'api:\n  key_env: sk-or-v1-0123456789abcdef\n',
    error: ':2: api.key_env must name the environment variable that holds the API key (such as OPENROUTER_API_KEY), not the key itself',
  },
  {
    name: 'too many retries for an operator',
    kind: 'operator',
    yaml: 'api:\n  retries: 11\n',
    error: ':2: api.retries must be a whole number from 0 to 10 (got 11)',
  },

  // api, in the audited repository's config: the value's type first, then whether it is the repository's to set.
  { name: 'a zero timeout', yaml: 'api:\n  timeout_ms: 0\n', error: ':2: api.timeout_ms must be a whole number ≥ 1 (got 0)' },
  { name: 'a timeout with a unit', yaml: 'api:\n  timeout_ms: 10s\n', error: ':2: api.timeout_ms must be a whole number ≥ 1 (got "10s")' },
  { name: 'too many retries', yaml: 'api:\n  retries: 11\n', error: ':2: api.retries must be a whole number from 0 to 10 (got 11)' },
  { name: 'negative retries', yaml: 'api:\n  retries: -1\n', error: ':2: api.retries must be a whole number from 0 to 10 (got -1)' },
  {
    name: 'another https base URL in the repository',
    yaml: 'models:\n  primary: openai/gpt-4o\napi:\n  base_url: https://gateway.example.com/api/v1\n',
    error: `:4: api.base_url is an operator setting: the audited repository cannot choose where the key goes; use --base-url or OPENROUTER_CHECK_BASE_URL ${USE_CONFIG}`,
  },
  {
    name: 'a loopback base URL in the repository',
    yaml: 'api:\n  base_url: http://127.0.0.1:8080/api/v1\n',
    error: `:2: api.base_url is an operator setting: the audited repository cannot choose where the key goes; use --base-url or OPENROUTER_CHECK_BASE_URL ${USE_CONFIG}`,
  },
  {
    name: 'a base URL that is not even a URL, in the repository',
    yaml: 'api:\n  base_url: [a]\n',
    error: `:2: api.base_url is an operator setting: the audited repository cannot choose where the key goes; use --base-url or OPENROUTER_CHECK_BASE_URL ${USE_CONFIG}`,
  },
  {
    name: 'another key variable in the repository',
    yaml: 'api:\n  key_env: GITHUB_TOKEN\n',
    error: `:2: api.key_env is an operator setting: the audited repository cannot choose which environment variable is sent as the key; use --key-env or OPENROUTER_CHECK_KEY_ENV ${USE_CONFIG}`,
  },
  {
    name: 'a key in key_env, in the repository',
    yaml: 'api:\n  key_env: sk-or-v1-0123456789abcdef\n',
    error: `:2: api.key_env is an operator setting: the audited repository cannot choose which environment variable is sent as the key; use --key-env or OPENROUTER_CHECK_KEY_ENV ${USE_CONFIG}`,
  },
  {
    name: 'a timeout above the repository bound',
    yaml: 'api:\n  timeout_ms: 30001\n',
    error: `:2: api.timeout_ms outside 1000..30000 is an operator setting: the audited repository may set 1000 to 30000 ms; use --timeout ${USE_CONFIG}`,
  },
  {
    name: 'a timeout below the repository bound',
    yaml: 'api:\n  timeout_ms: 999\n',
    error: `:2: api.timeout_ms outside 1000..30000 is an operator setting: the audited repository may set 1000 to 30000 ms; use --timeout ${USE_CONFIG}`,
  },
  {
    name: 'retries above the repository bound',
    yaml: 'api:\n  retries: 4\n',
    error: `:2: api.retries above 3 is an operator setting: the audited repository may set 0 to 3 (each retry may be one more paid request); use --retries ${USE_CONFIG}`,
  },

  // plugins
  {
    name: 'plugins as one name',
    yaml: 'plugins: openrouter-check-plugin-acme\n',
    error: ':1: plugins must be a list of module names or paths (got "openrouter-check-plugin-acme")',
  },
  {
    name: 'an empty plugin name',
    yaml: 'plugins:\n  - ./checks/acme.js\n  - ""\n',
    error: ':3: plugins[1] must be a module name or path, such as openrouter-check-plugin-acme or ./checks/acme.js (got "")',
  },

  // Order and aliases.
  {
    name: 'the first of two mistakes in document order',
    yaml: 'api:\n  retries: 20\nchecks:\n  max-tokns: warn\n',
    error: ':2: api.retries must be a whole number from 0 to 10 (got 20)',
  },
  {
    name: 'an alias to a value that is wrong where it is used, pointing at the alias',
    kind: 'operator',
    yaml: 'models:\n  primary: &id openai/gpt-4o\napi:\n  key_env: *id\n',
    error: ':4: api.key_env must be an environment variable name such as OPENROUTER_API_KEY (got "openai/gpt-4o")',
  },
  {
    name: 'a wrong value reached through an alias',
    yaml: 'x: &n 11\n',
    error: ':1: x is not a known setting (settings: checks, scan, models, api, plugins)',
  },
  {
    name: 'an alias used where a list is expected',
    yaml: 'models:\n  primary: &p openai/gpt-4o\n  fallbacks: *p\n',
    error: ':3: models.fallbacks must be a list of model ids (got "openai/gpt-4o")',
  },
  {
    name: 'Windows line endings',
    yaml: 'checks:\r\n  auth: warn\r\n\r\n  max-tokns: off\r\n',
    error: ':4: checks.max-tokns is not a known check; did you mean max-tokens?',
  },
];

describe('loadConfig: errors, each with its file and line', () => {
  it.each(errorCases)('$name', async ({ yaml, error, kind }) => {
    expect(await errorOf(yaml, kind)).toBe(error);
  });

  it('names the alias that makes a list expand too far', async () => {
    const yaml = `models:\n  primary: &m openai/gpt-4o\n  required: [${Array.from({ length: 101 }, () => '*m').join(', ')}]\n`;
    expect(await errorOf(yaml)).toBe(':3: aliases expand too far (excessive alias count indicates a resource exhaustion attack)');
  });

  it('refuses deep nesting before the parser recurses into it', async () => {
    expect(await errorOf(`checks:\n  auth: warn\nscan: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toBe(
      ':3: the file nests deeper than any setting needs (over 100 levels)',
    );
    expect(await errorOf(`models:\n  required:\n    ${'- '.repeat(20_000)}x\n`)).toBe(':3: the file nests deeper than any setting needs (over 100 levels)');
  });

  it('does not count indented comments or block text as nesting', async () => {
    const config = await configOf(`# header\n${' '.repeat(300)}# indented comment\nmodels:\n  primary: |-\n${' '.repeat(300)}openai/gpt-4o\n`);
    expect(config.models.primary).toBe('openai/gpt-4o');
  });

  it('refuses a file over 256 KiB before parsing it, with its size', async () => {
    expect(await errorOf(Buffer.alloc(10 * 1024 * 1024, '#'))).toBe(': 10.0 MiB is too large for a config file (at most 256 KiB)');
    expect(await errorOf(Buffer.alloc(256 * 1024 + 1, '#'))).toBe(': 262145 bytes is too large for a config file (at most 256 KiB)');
    // Exactly at the limit: read and parsed.
    const head = 'scan:\n  max_file_size: 2 MiB\n# ';
    const atLimit = head + 'x'.repeat(256 * 1024 - head.length - 1) + '\n';
    expect(Buffer.byteLength(atLimit)).toBe(256 * 1024);
    expect((await configOf(atLimit)).scan.maxFileSize).toBe(2 * 1024 * 1024);
  });

  it('refuses a file that is not UTF-8', async () => {
    expect(await errorOf(Buffer.from([0x63, 0x68, 0x65, 0x63, 0x6b, 0x73, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))).toBe(
      ':1: the file is not UTF-8 text (byte 0xFF at column 9)',
    );
  });

  it('masks an API key wherever a message would quote it', async () => {
    const key = generateKey();
    const error = await errorOf(`models:\n  primary: "${key} "\n`);
    expect(error).toBe(`:2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "${maskKey(key)} ")`);
    expect(await errorOf(`${key}: true\n`)).toBe(`:1: "${maskKey(key)}" is not a known setting (settings: checks, scan, models, api, plugins)`);
  });

  it('masks a GitHub token, and other credential shapes, wherever a message would quote it', async () => {
    const token = generateGitHubToken();
    const masked = `ghp_${token.slice(4, 8)}…${token.slice(-4)}`;
    expect(await errorOf(`models:\n  primary: "${token} x"\n`)).toBe(
      `:2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "${masked} x")`,
    );
    expect(await errorOf(`${token}: true\n`)).toBe(`:1: ${masked} is not a known setting (settings: checks, scan, models, api, plugins)`);
  });

  it('keeps a long value short and a multi-line one on one line', async () => {
    // Not hex: 32 hex digits in a row are masked like a key.
    expect(await errorOf(`models:\n  primary: "${'x'.repeat(200)} b"\n`)).toBe(
      `:2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "${'x'.repeat(59)}…")`,
    );
    expect(await errorOf('models:\n  primary: "first\\nsecond"\n')).toBe(
      ':2: models.primary must be a model id without spaces, such as openai/gpt-4o-mini (got "first\\nsecond")',
    );
  });
});

describe('loadConfig: finding the file', () => {
  it('uses every default when there is no config file', async () => {
    const root = makeTree({ 'src/index.ts': '' });
    const outcome = await loadConfig({ root, checks: CHECKS });
    expect(outcome).toEqual({ ok: true, config: defaultConfig(CHECKS), checks: CHECKS });
    if (!outcome.ok) return;
    expect(outcome.config.configFile).toBeUndefined();
    expect(outcome.config.scan).toEqual({ include: [], exclude: [], maxFileSize: DEFAULT_MAX_FILE_SIZE });
    expect(outcome.config.models).toEqual({ fallbacks: [], required: [] });
    expect(outcome.config.api).toEqual({ baseUrl: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY', timeoutMs: 10000, retries: 2 });
    expect(outcome.config.plugins).toEqual([]);
    expect(outcome.config.checks['auth']).toEqual({ severity: 'warn', options: { warn_days: 7 } });
    expect(outcome.config.checks['max-tokens']).toEqual({ severity: 'error', options: { max_value: 4096, ratio: 0.5, model: undefined, strict: false } });
    expect(Object.keys(outcome.config.checks)).toEqual(CHECKS.map((check) => check.id));
  });

  it('reads .openrouter-check.yml and records its absolute path', async () => {
    const { root, outcome } = await loadText('checks:\n  auth: off\n');
    expect(outcome.ok && outcome.config.configFile).toBe(join(root, CONFIG_NAME));
    expect(outcome.ok && outcome.config.checks['auth']?.severity).toBe('off');
  });

  it('falls back to .openrouter-check.yaml', async () => {
    const { root, outcome } = await loadText('checks:\n  auth: error\n', '.openrouter-check.yaml');
    expect(outcome.ok && outcome.config.configFile).toBe(join(root, '.openrouter-check.yaml'));
    expect(outcome.ok && outcome.config.checks['auth']?.severity).toBe('error');
  });

  it('prefers .yml when both exist', async () => {
    const root = makeTree({ '.openrouter-check.yml': 'checks: { auth: off }\n', '.openrouter-check.yaml': 'checks: { auth: error }\n' });
    const outcome = await loadConfig({ root, checks: CHECKS });
    expect(outcome.ok && outcome.config.checks['auth']?.severity).toBe('off');
  });

  it('names a .yaml file in its errors', async () => {
    const { root, outcome } = await loadText('scan: []\n', '.openrouter-check.yaml');
    expect(outcome).toEqual({ ok: false, error: `config error: ${shown(root, '.openrouter-check.yaml')}:1: scan must be a mapping of settings (got a list)` });
  });

  it('reads --config relative to the working directory, ignoring the root', async () => {
    const elsewhere = makeTree({ 'ci/audit.yml': 'api:\n  retries: 5\n' });
    const root = makeTree({ [CONFIG_NAME]: 'api:\n  retries: 0\n' });
    const configPath = relative(process.cwd(), join(elsewhere, 'ci/audit.yml'));
    const outcome = await loadConfig({ root, configPath, checks: CHECKS });
    expect(outcome.ok && outcome.config.api.retries).toBe(5);
    expect(outcome.ok && outcome.config.configFile).toBe(join(elsewhere, 'ci/audit.yml'));
  });

  it('names --config as given in its errors', async () => {
    const elsewhere = makeTree({ 'audit.yml': 'api:\n  retries: eleven\n' });
    const configPath = join(elsewhere, 'audit.yml');
    const outcome = await loadConfig({ root: elsewhere, configPath, checks: CHECKS });
    expect(outcome).toEqual({ ok: false, error: `config error: ${configPath}:2: api.retries must be a whole number from 0 to 10 (got "eleven")` });
  });

  it('fails when the --config file does not exist', async () => {
    const root = makeTree({ [CONFIG_NAME]: 'checks: {}\n' });
    const outcome = await loadConfig({ root, configPath: 'no/such/config.yml', checks: CHECKS });
    expect(outcome).toEqual({ ok: false, error: 'config error: no/such/config.yml: no such file (given by --config)' });
  });

  it('fails when --config names a directory', async () => {
    const root = makeTree({ 'settings/.keep': '' });
    const configPath = join(root, 'settings');
    const outcome = await loadConfig({ root, configPath, checks: CHECKS });
    expect(outcome).toEqual({ ok: false, error: `config error: ${configPath}: expected a file, found a directory` });
  });

  it('fails when the default config name is a directory', async () => {
    const root = makeTree({ 'src/index.ts': '' });
    mkdirSync(join(root, CONFIG_NAME));
    const outcome = await loadConfig({ root, checks: CHECKS });
    expect(outcome).toEqual({ ok: false, error: `config error: ${shown(root)}: expected a file, found a directory` });
  });

  it('refuses a default config that is a symbolic link, even to a file in the audited folder, quoting nothing of it', async () => {
    const secret = generateGitHubToken();
    const outside = makeTree({ 'token.txt': `${secret}\n` });
    const root = makeTree({ 'settings.yml': `models:\n  primary: "${secret} x"\n` });
    const refusal =
      "expected a file, found a symbolic link: the audited repository's config must be a regular file in the audited folder (an operator's config can be named with --config)";
    for (const target of [join(root, 'settings.yml'), join(outside, 'token.txt')]) {
      const linked = makeTree({});
      symlinkSync(target, join(linked, CONFIG_NAME));
      expect(await loadConfig({ root: linked, checks: CHECKS })).toEqual({ ok: false, error: `config error: ${shown(linked)}: ${refusal}` });
    }
  });

  it("a --config file is the repository's when it lies in the audited folder, as named or once links are resolved", async () => {
    const gateway = 'api:\n  base_url: https://gateway.example.com/api/v1\n';
    const refusal = /^config error: .*:2: api\.base_url is an operator setting: /;
    const outside = makeTree({ 'operator.yml': gateway });
    const root = makeTree({ 'ci/audit.yml': gateway });
    // A path in the folder, whatever it points to: the repository can make it a link anywhere.
    symlinkSync(join(outside, 'operator.yml'), join(root, 'ci/link.yml'));
    // A link outside the folder to a file in it.
    const elsewhere = makeTree({});
    symlinkSync(join(root, 'ci/audit.yml'), join(elsewhere, 'into-repo.yml'));
    for (const configPath of [join(root, 'ci/audit.yml'), join(root, 'ci/link.yml'), join(elsewhere, 'into-repo.yml')]) {
      const outcome = await loadConfig({ root, configPath, checks: CHECKS });
      expect(outcome.ok ? 'loaded' : outcome.error, configPath).toMatch(refusal);
    }
    // Outside as named and as resolved: the operator's, even through a link.
    symlinkSync(join(outside, 'operator.yml'), join(elsewhere, 'operator-link.yml'));
    for (const configPath of [join(outside, 'operator.yml'), join(elsewhere, 'operator-link.yml')]) {
      const outcome = await loadConfig({ root, configPath, checks: CHECKS });
      expect(outcome.ok && outcome.config).toMatchObject({ configKind: 'operator', api: { baseUrl: 'https://gateway.example.com/api/v1' } });
    }
  });

  it.skipIf(process.getuid?.() === 0)('fails when the file cannot be read', async () => {
    const root = makeTree({ [CONFIG_NAME]: 'checks: {}\n' });
    chmodSync(join(root, CONFIG_NAME), 0o000);
    const outcome = await loadConfig({ root, checks: CHECKS });
    expect(outcome).toEqual({ ok: false, error: `config error: ${shown(root)}: cannot be read (permission denied)` });
  });
});

describe('loadConfig: values and defaults', () => {
  it('turns booleans into severities: true is the default severity, false is off', async () => {
    const config = await configOf('checks:\n  auth: true\n  max-tokens: true\n  model-availability: false\n  credit-limit: { severity: false }\n');
    expect(config.checks['auth']?.severity).toBe('warn');
    expect(config.checks['max-tokens']?.severity).toBe('error');
    expect(config.checks['model-availability']?.severity).toBe('off');
    expect(config.checks['credit-limit']?.severity).toBe('off');
  });

  it('reads off, warn and error as words (YAML 1.2, even under a %YAML 1.1 directive)', async () => {
    expect((await configOf('checks:\n  auth: off\n  model-availability: warn\n  credit-limit: error\n')).checks).toMatchObject({
      auth: { severity: 'off' },
      'model-availability': { severity: 'warn' },
      'credit-limit': { severity: 'error' },
    });
    expect((await configOf('%YAML 1.1\n---\nchecks:\n  auth: off\n')).checks['auth']?.severity).toBe('off');
  });

  it('leaves checks the file does not name at their defaults', async () => {
    const config = await configOf('checks:\n  auth: off\n');
    expect(config.checks['fallback-reachability']).toEqual({ severity: 'warn', options: {} });
    expect(config.checks['max-tokens']).toEqual({ severity: 'error', options: { max_value: 4096, ratio: 0.5, model: undefined, strict: false } });
  });

  it('fills option defaults and applies overrides of every type', async () => {
    const config = await configOf(
      'checks:\n  max-tokens:\n    max_value: 1000\n    ratio: 1\n    model: openai/gpt-4o\n    strict: true\n  auth:\n    warn_days: 0\n',
    );
    expect(config.checks['max-tokens']).toEqual({ severity: 'error', options: { max_value: 1000, ratio: 1, model: 'openai/gpt-4o', strict: true } });
    expect(config.checks['auth']).toEqual({ severity: 'warn', options: { warn_days: 0 } });
  });

  it('keeps the defaults of options the mapping leaves out, and its severity', async () => {
    const config = await configOf('checks:\n  max-tokens:\n    severity: warn\n    strict: true\n  auth: {}\n');
    expect(config.checks['max-tokens']).toEqual({ severity: 'warn', options: { max_value: 4096, ratio: 0.5, model: undefined, strict: true } });
    expect(config.checks['auth']).toEqual({ severity: 'warn', options: { warn_days: 7 } });
  });

  it('reads scan patterns as one string or a list', async () => {
    expect((await configOf('scan:\n  include: src/\n  exclude:\n    - "*.test.ts"\n    - fixtures/\n')).scan).toEqual({
      include: ['src/'],
      exclude: ['*.test.ts', 'fixtures/'],
      maxFileSize: DEFAULT_MAX_FILE_SIZE,
    });
  });

  it('treats a section or list with nothing after it as empty', async () => {
    const config = await configOf('checks:\nscan:\n  include:\nmodels:\n  fallbacks:\napi:\nplugins:\n');
    expect(config).toEqual({ ...defaultConfig(CHECKS), configFile: config.configFile, configKind: 'repository' });
  });

  it.each([
    [1024, 1024],
    ['2048', 2048],
    ['2 MiB', 2 * 1024 * 1024],
    ['512KB', 512_000],
    ['512 KiB', 524_288],
    ['1.5MB', 1_500_000],
    ['1.5 mib', 1_572_864],
    ['1 GB', 1_000_000_000],
    ['100 B', 100],
    ['.5 KiB', 512],
  ])('reads max_file_size %j as %i bytes', async (size, bytes) => {
    const config = await configOf(`scan:\n  max_file_size: ${JSON.stringify(size)}\n`);
    expect(config.scan.maxFileSize).toBe(bytes);
  });

  it('reads unquoted sizes too', async () => {
    expect((await configOf('scan:\n  max_file_size: 2 MiB\n')).scan.maxFileSize).toBe(2 * 1024 * 1024);
  });

  it.each([0, -1, 1.5, '0 KB', '0.0001 KB', '2M', '1 kilobyte', 'MiB', '', '1e3', true, null])('refuses max_file_size %j', (size) => {
    expect(parseByteSize(size)).toBeUndefined();
  });

  it('reads models', async () => {
    const config = await configOf(
      'models:\n  primary: openai/gpt-4o-mini\n  fallbacks: [anthropic/claude-3.5-haiku, "google/gemini-2.0-flash-001"]\n  required:\n    - openai/text-embedding-3-small\n',
    );
    expect(config.models).toEqual({
      primary: 'openai/gpt-4o-mini',
      fallbacks: ['anthropic/claude-3.5-haiku', 'google/gemini-2.0-flash-001'],
      required: ['openai/text-embedding-3-small'],
    });
  });

  it('follows aliases', async () => {
    const config = await configOf(
      'models:\n  fallbacks: &backups [a/b, c/d]\n  required: *backups\nscan:\n  exclude: &gen generated/\n  include: *gen\n' +
        'checks:\n  auth: &quiet { severity: off }\n  credit-limit: *quiet\n',
    );
    expect(config.models.required).toEqual(['a/b', 'c/d']);
    expect(config.scan.include).toEqual(['generated/']);
    expect(config.checks['credit-limit']).toEqual({ severity: 'off', options: {} });
  });

  it("reads an operator's api settings, dropping trailing slashes from the base URL", async () => {
    const config = await configOf(
      'api:\n  base_url: " https://gateway.example.com/openrouter/v1/"\n  key_env: ACME_OPENROUTER_KEY\n  timeout_ms: 60000\n  retries: 10\n',
      'operator',
    );
    expect(config.api).toEqual({ baseUrl: 'https://gateway.example.com/openrouter/v1', keyEnv: 'ACME_OPENROUTER_KEY', timeoutMs: 60000, retries: 10 });
    expect(config.configKind).toBe('operator');
  });

  it.each(['http://localhost:8080/api/v1', 'http://127.0.0.1:3000', 'http://127.1.2.3/v1', 'http://[::1]:9000/v1', 'HTTP://LOCALHOST/v1'])(
    'allows an operator plain http to the loopback address %s',
    async (url) => {
      expect((await configOf(`api:\n  base_url: "${url}"\n`, 'operator')).api.baseUrl).toBe(url.replace(/\/$/, ''));
    },
  );

  it("reads the repository's api settings within bounds, and the defaults of operator settings written out", async () => {
    const config = await configOf('api:\n  base_url: https://openrouter.ai/api/v1/\n  key_env: OPENROUTER_API_KEY\n  timeout_ms: 30000\n  retries: 3\n');
    expect(config.api).toEqual({ ...DEFAULT_API_CONFIG, timeoutMs: 30000, retries: 3 });
    expect(config.configKind).toBe('repository');
    expect((await configOf('api:\n  timeout_ms: 1000\n  retries: 0\n')).api).toEqual({ ...DEFAULT_API_CONFIG, timeoutMs: 1000, retries: 0 });
  });

  it('keeps defaults for api settings the file leaves out', async () => {
    expect((await configOf('api:\n  retries: 3\n')).api).toEqual({ ...DEFAULT_API_CONFIG, retries: 3 });
  });

  it('reads plugins', async () => {
    expect((await configOf('plugins:\n  - openrouter-check-plugin-acme\n  - ./checks/latency.js\n')).plugins).toEqual([
      'openrouter-check-plugin-acme',
      './checks/latency.js',
    ]);
  });

  it('reads a file with a byte-order mark', async () => {
    expect((await configOf('\ufeffchecks:\n  auth: off\n')).checks['auth']?.severity).toBe('off');
  });
});

describe('loadConfig: plugins without a loader (the operator did not allow them)', () => {
  it('lists the plugins it did not load, and sets aside settings of checks no known check has', async () => {
    const { outcome } = await loadText('plugins: [./p.mjs, acme-plugin]\nchecks:\n  acme-rule: { severity: warn, colour: red }\n  auth: off\n');
    expect(outcome).toMatchObject({ ok: true, notLoaded: { plugins: ['./p.mjs', 'acme-plugin'], checkIds: ['acme-rule'] } });
    expect(outcome.ok && outcome.config.checks['auth']?.severity).toBe('off');
    expect(outcome.ok && outcome.checks).toBe(CHECKS);
  });

  it("still refuses a known check's bad setting, and an unknown id when no plugin is listed", async () => {
    expect(await errorOf('plugins: [./p.mjs]\nchecks:\n  auth: sometimes\n')).toMatch(/^:3: checks\.auth must be /);
    expect(await errorOf('plugins: []\nchecks:\n  acme-rule: warn\n')).toBe(':3: checks.acme-rule is not a known check (see --list-checks)');
  });
});

describe('.openrouter-check.yml.example', () => {
  const example = new URL('../.openrouter-check.yml.example', import.meta.url).pathname;

  it('is a valid config for the built-in checks', async () => {
    const { BUILT_IN_CHECKS } = await import('../src/checks/index.js');
    const outcome = await loadConfig({ root: process.cwd(), configPath: relative(process.cwd(), example), checks: BUILT_IN_CHECKS });
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(outcome.config.scan).toEqual({ include: [], exclude: [], maxFileSize: DEFAULT_MAX_FILE_SIZE });
    expect(outcome.config.api).toEqual(DEFAULT_API_CONFIG);
    expect(outcome.config.plugins).toEqual([]);
  });

  it('documents every setting the loader accepts', () => {
    const text = readFileSync(example, 'utf8');
    for (const key of ['checks:', 'severity:', 'scan:', 'include:', 'exclude:', 'max_file_size:', 'models:', 'primary:', 'fallbacks:', 'required:']) {
      expect(text).toContain(key);
    }
    for (const key of ['api:', 'base_url:', 'key_env:', 'timeout_ms:', 'retries:', 'plugins:', 'gitignore-style']) expect(text).toContain(key);
  });
});

describe('loadConfig: the checks that guard the key', () => {
  it("stay at their default severity in a repository's file, and may be set to anything in an operator's", async () => {
    const refused = await loadText('checks:\n  https-only: warn\n');
    expect(refused.outcome.ok ? undefined : refused.outcome.error).toBe(
      `config error: ${shown(refused.root)}:2: checks.https-only: warn is an operator setting for https-only: the audited repository cannot turn off or lower a check that guards the key; use --skip https-only (or --config with a file outside the audited folder)`,
    );
    expect((await configOf('checks:\n  hardcoded-key: error\n')).checks['hardcoded-key']?.severity).toBe('error');
    expect((await configOf('checks:\n  hardcoded-key: off\n  https-only: warn\n', 'operator')).checks).toMatchObject({
      'hardcoded-key': { severity: 'off' },
      'https-only': { severity: 'warn' },
    });
  });
});
