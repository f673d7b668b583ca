import { createHash } from 'node:crypto';
import type { Check, CheckResult, Finding } from '../../src/checks/types.js';
import type { RemoteTarget, Report, WorkspaceSummary } from '../../src/engine/report.js';
import { docsUrlFor } from '../../src/checks/docs-url.js';
import { BUILT_IN_CHECKS } from '../../src/checks/index.js';
import { summarize } from '../../src/engine/report.js';
import type { RenderOptions } from '../../src/reporters/index.js';
import { maskKey } from '../../src/workspace/secrets.js';
import { snippetOf } from '../../src/workspace/snippet.js';
import { PLAIN } from './plain-http.js';

// Hand-made reports for the reporter golden tests: every status, every category, findings with
// and without a location, and text that is hostile to XML and terminals. Durations are fixed.

/** A masked key, as every report shows keys; never a string in the real key format. */
const MASKED_KEY = 'sk-or-v1-abcd…wxyz';

/** Fix hints as the CLI passes them (check id → docs); model-availability has none on purpose. */
export const SAMPLE_HINTS: Readonly<Record<string, string>> = {
  'hardcoded-key': 'Read the key from OPENROUTER_API_KEY at run time and rotate the leaked one at openrouter.ai/settings/keys.',
  'max-tokens': 'Pass max_tokens (or max_completion_tokens) on every completion call so one answer cannot run up the bill.',
  'credit-limit': 'Set a credit limit on the key the app uses, so a leak or a loop cannot spend the whole balance.',
  'test-completion': 'Check the model id and your credits; the check sends one 1-token completion.',
};

/** Every built-in check's page, as the CLI passes them. */
export const SAMPLE_DOCS_URLS: Readonly<Record<string, string>> = Object.fromEntries(BUILT_IN_CHECKS.map((check) => [check.id, docsUrlFor(check.id)]));

export function sampleOptions(overrides: Partial<RenderOptions> = {}): RenderOptions {
  return { color: false, quiet: false, failOn: 'error', hints: SAMPLE_HINTS, docsUrls: SAMPLE_DOCS_URLS, ...overrides };
}

const ROOT = '/home/dev/acme-chat';

/** Where the remote checks of the runs with a key sent it. */
const OPENROUTER: RemoteTarget = { host: 'openrouter.ai', baseUrl: 'https://openrouter.ai/api/v1' };

function report(checks: CheckResult[], workspace: WorkspaceSummary, durationMs: number, extra: Pick<Report, 'remote' | 'plugins'> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'openrouter-check', version: '0.1.0' },
    root: ROOT,
    ...extra,
    durationMs,
    summary: summarize(checks),
    checks,
    workspace,
  };
}

const CLEAN_WORKSPACE: WorkspaceSummary = {
  filesScanned: 42,
  filesSkipped: { binary: 0, 'too-large': 0, unreadable: 0, symlink: 0 },
  skipped: [],
};

const passing = {
  hardcodedKey: {
    id: 'hardcoded-key',
    title: 'No OpenRouter key in the code',
    category: 'security',
    kind: 'static',
    status: 'pass',
    severity: 'error',
    durationMs: 41,
    message: 'no findings',
    findings: [],
  },
  httpsOnly: {
    id: 'https-only',
    title: 'OpenRouter is only called over https',
    category: 'security',
    kind: 'static',
    status: 'pass',
    severity: 'error',
    durationMs: 38,
    message: 'no findings',
    findings: [],
  },
  maxTokens: {
    id: 'max-tokens',
    title: 'Every completion call caps its output tokens',
    category: 'cost',
    kind: 'static',
    status: 'pass',
    severity: 'error',
    durationMs: 412,
    message: 'no findings',
    findings: [],
  },
  auth: {
    id: 'auth',
    title: 'The API key is accepted',
    category: 'security',
    kind: 'remote',
    status: 'pass',
    severity: 'error',
    durationMs: 233,
    message: 'key sk-or-v1-0e6...1c96 accepted: paid account, no expiry',
    findings: [],
  },
  creditLimit: {
    id: 'credit-limit',
    title: 'The key has a credit limit',
    category: 'cost',
    kind: 'remote',
    status: 'pass',
    severity: 'warn',
    durationMs: 229,
    message: 'no findings',
    findings: [],
  },
  modelAvailability: {
    id: 'model-availability',
    title: 'Configured models are available',
    category: 'availability',
    kind: 'remote',
    status: 'pass',
    severity: 'error',
    durationMs: 305,
    message: 'no findings',
    findings: [],
  },
  testCompletion: {
    id: 'test-completion',
    title: 'A 1-token completion succeeds',
    category: 'reliability',
    kind: 'remote',
    status: 'pass',
    severity: 'error',
    durationMs: 871,
    message: 'openai/gpt-4o-mini answered in 640 ms, cost $0.0000018',
    findings: [],
  },
  fallbackReachability: {
    id: 'fallback-reachability',
    title: 'Fallback models answer',
    category: 'reliability',
    kind: 'remote',
    status: 'pass',
    severity: 'warn',
    durationMs: 1002,
    message: 'no findings',
    findings: [],
  },
} satisfies Record<string, CheckResult>;

/**
 * A run that fails: all five statuses in all four categories, listed in registry order (not
 * category order), a warn finding inside a failing check, findings without a file, and messages
 * with `<`, `&`, quotes, a bell, an escape sequence and half an emoji (a lone surrogate).
 */
export const failingReport: Report = report(
  [
    {
      ...passing.hardcodedKey,
      status: 'fail',
      message: '1 error',
      findings: [
        {
          message: `OpenRouter key ${MASKED_KEY} is hardcoded`,
          severity: 'error',
          file: 'src/config.ts',
          line: 4,
          column: 22,
          snippet: `const apiKey = "${MASKED_KEY}";`,
        },
      ],
    },
    passing.httpsOnly,
    {
      ...passing.maxTokens,
      status: 'fail',
      message: '2 errors, 1 warning',
      findings: [
        {
          message: 'chat.completions.create() has no max_tokens: one long answer can cost dollars',
          severity: 'error',
          file: 'src/chat.ts',
          line: 18,
          column: 24,
          snippet: 'const reply = await client.chat.completions.create({ model, messages });',
        },
        {
          message: 'fetch(".../chat/completions") sends a body without "max_tokens"',
          severity: 'error',
          file: 'src/routes/stream & retry.ts',
          line: 57,
          column: 9,
          snippet: "await fetch(`${BASE}/chat/completions`, { method: 'POST', body });",
        },
        {
          message: 'max_tokens is `limits.tokens < 0 ? 4096 : limits.tokens && 512` and could not be resolved; check it is capped',
          severity: 'warn',
          file: 'src/summarize.ts',
          line: 9,
          column: 5,
          snippet: 'max_tokens: limits.tokens < 0 ? 4096 : limits.tokens && 512,',
        },
      ],
    },
    passing.auth,
    {
      ...passing.creditLimit,
      status: 'warn',
      message: '1 warning',
      findings: [
        {
          message: `key ${MASKED_KEY} has no credit limit: a leak or a retry loop can spend the whole balance`,
          severity: 'warn',
        },
      ],
    },
    {
      ...passing.modelAvailability,
      status: 'fail',
      message: '2 errors',
      findings: [
        {
          message: 'model "openai/gpt-4o-mini-2024-07-18" is not on OpenRouter (404 <no endpoints found>)',
          severity: 'error',
          file: '.openrouter-check.yml',
          line: 3,
          column: 5,
          snippet: 'primary: openai/gpt-4o-mini-2024-07-18',
        },
        {
          message: "model 'acme/legacy-1' in OPENROUTER_MODEL is not on OpenRouter \u001b[31m(404)\u001b[0m",
          severity: 'error',
        },
      ],
    },
    {
      ...passing.testCompletion,
      status: 'error',
      durationMs: 5003,
      message: 'OpenRouter answered 503 Service Unavailable: "upstream\u0007 timed out <retry later> & \ud83d"',
    },
    {
      ...passing.fallbackReachability,
      status: 'skip',
      durationMs: 0,
      message: 'no fallback models configured (models.fallbacks)',
    },
  ],
  {
    filesScanned: 128,
    filesSkipped: { binary: 3, 'too-large': 1, unreadable: 1, symlink: 1 },
    skipped: [
      { file: 'data/embeddings.json', reason: 'too-large' },
      { file: 'secrets/.env.production', reason: 'unreadable' },
    ],
  },
  1834,
  { remote: OPENROUTER },
);

/** A clean run with a key but `--no-spend`: the spending checks are skipped. */
export const passingReport: Report = report(
  [
    passing.hardcodedKey,
    passing.httpsOnly,
    passing.maxTokens,
    passing.auth,
    passing.creditLimit,
    passing.modelAvailability,
    { ...passing.testCompletion, status: 'skip', durationMs: 0, message: '--no-spend: this check spends credits' },
    { ...passing.fallbackReachability, status: 'skip', durationMs: 0, message: '--no-spend: this check spends credits' },
  ],
  CLEAN_WORKSPACE,
  1187,
  { remote: OPENROUTER },
);

/** Only warnings, no API key, a plugin not loaded: exit 0 by default, 1 under `--fail-on warn`. */
export const warningReport: Report = report(
  [
    passing.hardcodedKey,
    passing.httpsOnly,
    {
      ...passing.maxTokens,
      status: 'warn',
      severity: 'warn',
      message: '2 warnings',
      findings: [
        {
          message: 'max_tokens is 32000: more than the model needs for a chat reply?',
          severity: 'warn',
          file: 'src/chat.ts',
          line: 21,
          column: 7,
          snippet: 'max_tokens: 32000,',
        },
        {
          message: 'max_tokens comes from os.environ["MAX_TOKENS"] and could not be resolved',
          severity: 'warn',
          file: 'src/worker.py',
          line: 44,
          column: 18,
          snippet: 'max_tokens=int(os.environ["MAX_TOKENS"]),',
        },
      ],
    },
    ...[passing.auth, passing.creditLimit, passing.modelAvailability, passing.testCompletion, passing.fallbackReachability].map(
      (check): CheckResult => ({ ...check, status: 'skip', durationMs: 0, message: 'no API key (set OPENROUTER_API_KEY)' }),
    ),
  ],
  {
    filesScanned: 1,
    filesSkipped: { binary: 2, 'too-large': 0, unreadable: 0, symlink: 0 },
    skipped: [],
  },
  463,
  // A plugin listed in the config and not allowed to run.
  { plugins: { notLoaded: ['./checks/no-legacy-models.mjs'] } },
);

/**
 * The audited text of the sample findings' lines, as the CLI's `lineOf` gives it from the workspace:
 * tabs and indentation chosen so each finding's column lands on what its message names.
 * src/config.ts is left out on purpose: its finding falls back to the snippet.
 */
const SAMPLE_LINES: Readonly<Record<string, string>> = {
  'src/chat.ts:18': '\t\t\tconst reply = await client.chat.completions.create({ model, messages });',
  'src/routes/stream & retry.ts:57': "  await fetch(`${BASE}/chat/completions`, { method: 'POST', body });",
  'src/summarize.ts:9': '    max_tokens: limits.tokens < 0 ? 4096 : limits.tokens && 512,',
  '.openrouter-check.yml:3': '    primary: openai/gpt-4o-mini-2024-07-18',
  'src/chat.ts:21': '      max_tokens: 32000,',
  'src/worker.py:44': '  max_tokens=int(os.environ["MAX_TOKENS"]),',
};

/** `RenderOptions.lineOf` over the sample lines. */
export function sampleLineOf(file: string, line: number): string | undefined {
  return SAMPLE_LINES[`${file}:${line}`];
}

/**
 * A key in the real format, made at run time so no file of this repository holds one (the
 * self-audit would flag it): the prefix and the 64 hex digits of a fixed SHA-256.
 */
export const SAMPLE_REAL_FORMAT_KEY = `sk-or-v1-${createHash('sha256').update('openrouter-check sample key').digest('hex')}`;

/** A long source line holding that key, far to the right, after tabs: the caret view must mask and window it. */
export const LEAKED_KEY_LINE = `\t\tconst clients = { primary: createClient({ baseURL: "https://openrouter.ai/api/v1", timeout: 30_000, retries: 2 }), backup: createClient({ apiKey: "${SAMPLE_REAL_FORMAT_KEY}" }) };`;

/** A hardcoded key found in that line: the finding's column points at the key, its snippet is masked and cut as checks make it. */
export const leakedKeyReport: Report = report(
  [
    {
      ...passing.hardcodedKey,
      status: 'fail',
      message: '1 error',
      findings: [
        {
          message: `OpenRouter key ${maskKey(SAMPLE_REAL_FORMAT_KEY)} is hardcoded`,
          severity: 'error',
          file: 'src/clients.ts',
          line: 12,
          column: LEAKED_KEY_LINE.indexOf(SAMPLE_REAL_FORMAT_KEY) + 1,
          snippet: snippetOf(LEAKED_KEY_LINE),
        },
      ],
    },
    passing.httpsOnly,
    passing.maxTokens,
  ],
  { ...CLEAN_WORKSPACE, filesScanned: 3 },
  57,
);

/** `RenderOptions.lineOf` for leakedKeyReport. */
export function leakedKeyLineOf(file: string, line: number): string | undefined {
  return file === 'src/clients.ts' && line === 12 ? LEAKED_KEY_LINE : undefined;
}

/** `--require-remote` without a key: every remote check fails with the same one finding. */
export const requiredRemoteReport: Report = report(
  [
    passing.hardcodedKey,
    passing.httpsOnly,
    passing.maxTokens,
    ...[passing.auth, passing.creditLimit, passing.modelAvailability, passing.testCompletion, passing.fallbackReachability].map(
      (check): CheckResult => ({
        ...check,
        status: 'fail',
        durationMs: 0,
        message: '1 error',
        findings: [
          {
            message: 'no API key: set OPENROUTER_API_KEY to run the remote checks, and --require-remote demands the remote checks',
            severity: 'error',
          },
        ],
      }),
    ),
  ],
  CLEAN_WORKSPACE,
  498,
);

/**
 * Hand-made checks for the `--list-checks` and `--explain` goldens (the built-ins change with the
 * product; these do not): no options, options of every type, a billable check, and a plugin's
 * text with a control character in it.
 */
export const sampleChecks: readonly Check[] = [
  {
    id: 'hardcoded-key',
    title: 'No OpenRouter key in the code',
    category: 'security',
    kind: 'static',
    defaultSeverity: 'error',
    docs: 'A key in the code leaks with every copy of the repository. Read it from OPENROUTER_API_KEY at run time, and rotate the leaked one at openrouter.ai/settings/keys.',
    run: async () => [],
  },
  {
    id: 'credit-limit',
    title: 'The key has a credit limit',
    category: 'cost',
    kind: 'remote',
    defaultSeverity: 'warn',
    docs: 'Without a limit a leaked key or a retry loop can spend the whole balance.',
    options: {
      min_remaining: { type: 'number', description: 'fail when fewer credits (USD) than this are left under the limit', default: 1, minimum: 0 },
      strict: { type: 'boolean', description: 'also fail when the limit resets monthly', default: false },
    },
    run: async () => [],
  },
  {
    id: 'test-completion',
    title: 'A 1-token completion succeeds',
    category: 'reliability',
    kind: 'remote',
    defaultSeverity: 'error',
    docs: 'Sends one completion capped at 1 token to the primary model.',
    options: {
      model: { type: 'string', description: 'the model to test (default: models.primary)' },
      retries: { type: 'integer', description: 'attempts before the check fails', default: 2, minimum: 1 },
    },
    spendsCredits: true,
    readsWorkspace: true,
    run: async () => [],
  },
  {
    id: 'acme-privacy',
    title: 'Prompts carry no e-mail\u001b[2J addresses',
    category: 'privacy' as never,
    kind: 'static',
    defaultSeverity: 'warn',
    docs: 'A plugin check.\u0007',
    options: { domain: { type: 'string', description: 'the company domain', default: 'acme.example' } },
    run: async () => [],
  },
];

/**
 * File names a pull request can commit, each trying to run a CI log command or break out of markup: a
 * line break then a GitHub workflow command, a carriage return, an already-escaped `%0A`, backticks,
 * pipes and HTML, the legacy `##[` and Azure `##vso[` forms, the annotation's own separators, and the
 * Unicode line separator.
 */
export const HOSTILE_FILES = {
  newline: 'src/evil\n::error::pwned.ts',
  carriageReturn: 'src/cr\r::warning title=x::pwned.ts',
  percent: 'src/%0A::error::encoded%25.ts',
  backticks: 'src/``tick`.ts',
  markup: 'src/a|b <script>alert(1)</script> # [x](https://evil.example).ts',
  legacy: 'src/##[error]legacy ##vso[task.setvariable variable=x]y.ts',
  separators: 'src/a,b:c.ts',
  lineSeparator: 'src/ls\u2028::error::pwned.ts',
} as const;

/** Source lines findings quote, as `lineOf` gives them: one starts with a workflow command of its own. */
const HOSTILE_LINES: Readonly<Record<string, string>> = {
  [`${HOSTILE_FILES.separators}:1`]: `  ::error title=from-code::see ${PLAIN}openrouter.ai ##[error]legacy`,
};

/** `RenderOptions.lineOf` for hostileReport. */
export function hostileLineOf(file: string, line: number): string | undefined {
  return HOSTILE_LINES[`${file}:${line}`];
}

/** One finding per hostile file; messages and snippets try the same, at the start of a line and inside one. */
const HOSTILE_FINDINGS: Finding[] = [
  { file: HOSTILE_FILES.newline, message: 'plain http\n::error::pwned', snippet: '\n::error::snippet' },
  { file: HOSTILE_FILES.carriageReturn, message: '::add-mask::hidden starts the message', snippet: '::stop-commands::token' },
  { file: HOSTILE_FILES.percent, message: 'a ##[set-output name=x]y inside', snippet: 'x ##[error]y' },
  { file: HOSTILE_FILES.backticks, message: '</failure><script>alert(1)</script> | pipe `tick` & amp', snippet: '`a` | b' },
  { file: HOSTILE_FILES.markup, message: '[click](https://evil.example) for details', snippet: '<script>alert(1)</script>' },
  { file: HOSTILE_FILES.legacy, message: '# heading\r- item\r\n1. ordered', snippet: '##vso[task.complete result=Succeeded]' },
  // Its snippet is the (trimmed) line hostileLineOf gives: the text report quotes the real line.
  {
    file: HOSTILE_FILES.separators,
    column: 3,
    message: '::stop-commands::token',
    snippet: `::error title=from-code::see ${PLAIN}openrouter.ai ##[error]legacy`,
  },
  { file: HOSTILE_FILES.lineSeparator, message: '`a` ``b`` *c* _d_ ~e~ $f$ \\g', snippet: '\u2028::error::snippet' },
].map(({ file, column, message, snippet }) => ({ message, severity: 'error', file, line: 1, column: column ?? 1, snippet }));

const HOSTILE_CHECKS: CheckResult[] = [
  {
    ...passing.httpsOnly,
    status: 'fail',
    message: `${HOSTILE_FINDINGS.length + 1} errors`,
    findings: [...HOSTILE_FINDINGS, { message: '::error::a finding with no file\n::warning::second line', severity: 'error' }],
  },
  { ...passing.hardcodedKey, status: 'skip', message: '::warning::skipped\n##[error]because' },
  { ...passing.testCompletion, status: 'error', message: 'upstream said:\n::error::pwned ##[error]x <b>bold</b> | `tick`' },
];

const HOSTILE_WORKSPACE: WorkspaceSummary = {
  filesScanned: HOSTILE_FINDINGS.length,
  filesSkipped: { binary: 0, 'too-large': 1, unreadable: 1, symlink: 0 },
  skipped: [
    { file: 'data/big\n::error::skipped.json', reason: 'too-large' },
    { file: 'data/##[error]unreadable`|<b>.json', reason: 'unreadable' },
  ],
};

/** A run over a checkout whose names, code and API answers are hostile: every format must stay inert. */
export const hostileReport: Report = { ...report(HOSTILE_CHECKS, HOSTILE_WORKSPACE, 12), root: '/home/dev/app\n::error::root' };

/** A plugin check whose own text tries it too (ids are held to kebab-case by the plugin loader). */
export const hostileCheck: Check = {
  id: 'acme-hostile',
  title: 'Title\n::error::pwned ##[error]x',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'warn',
  docs: '::error::docs start a wrapped line ##vso[task.setvariable variable=x]y and\n::warning::another',
  options: { '::set-output name=x::': { type: 'string', description: '\n::error::option', default: '::error::default' } },
  run: async () => [],
};
