#!/usr/bin/env node
// Benchmarks the built CLI (npm run bench; not part of npm test) on trees it builds in a temp folder and
// commits to git, each with planted keys, plain-http URLs and uncapped calls that must all be reported
// (exit 1 otherwise), and prints every figure as a ratio measured in the same run:
//   1. a generated monorepo (seeded PRNG: a seed always gives the same files): full audit MB/s, and the key
//      and URL scan against ripgrep reading exactly the files git tracks (alternating runs, medians);
//   2. copies of this project's own node_modules, committed: the same scan against ripgrep;
//   3. large bundles analysed as code (a raised scan.max_file_size): peak RSS must stay under 500 MB;
//   4. a 10-file project that calls OpenRouter: the audit against a bare `node -e ''`.
//
//   node scripts/bench.mjs [--files N] [--seed N] [--worst-case] [--dependency-copies N] [--bundles N] [--keep] [--tiny]
//
// The default monorepo is shaped like a real one: each package builds its OpenRouter client in one module
// (src/llm/client.ts) that the few files calling the model import. --worst-case makes every TypeScript file
// build its own client instead, so that every one of them is parsed by the client checks (and warned about).
// --tiny builds small trees and runs each command once: it checks the planted findings in seconds.
//
// Keys are made at run time from the PRNG and exist only in the temporary tree, which is deleted at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { KEY_PREFIX, RIPGREP_EVERY_FILE, bundleTree, commitTree, dependencyTree, ripgrepReadsTrackedFiles, smallProject } from './bench-trees.mjs';

const REPO = new URL('..', import.meta.url).pathname;
const CLI = join(REPO, 'bin', 'openrouter-check.js');
const DEFAULT_FILES = 25000;
/** Start-up runs (a bare Node, the small project's audit, --version), alternated, compared by medians. */
const STARTUP_RUNS = 9;
/**
 * The key and URL scan and ripgrep are timed this many times each, alternately, and compared by their
 * medians: one run of either varies by ±10% on a shared 2-core machine, and alternating spreads any
 * slow spell over both.
 */
const SCAN_RUNS = 7;
const DEFAULT_SEED = 20261125;
/** Built from parts so this script never holds a plain-http OpenRouter URL itself. */
const PLAIN_OPENROUTER = 'http' + '://' + 'openrouter.ai';

const { values: flags } = parseArgs({
  options: {
    files: { type: 'string', default: String(DEFAULT_FILES) },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    keep: { type: 'boolean', default: false },
    'worst-case': { type: 'boolean', default: false },
    'dependency-copies': { type: 'string', default: '2' },
    bundles: { type: 'string', default: '8' },
    tiny: { type: 'boolean', default: false },
  },
});
/** --tiny: small trees and few runs, to check that every planted finding is found (seconds, not minutes); its times mean little. */
const tiny = flags.tiny;
const dependencyCopies = Number(tiny ? '0' : flags['dependency-copies']);
const bundleCount = Number(tiny ? '2' : flags.bundles);
const scanRuns = tiny ? 1 : SCAN_RUNS;
const startupRuns = tiny ? 1 : STARTUP_RUNS;
const fileCount = Number(tiny ? '300' : flags.files);
const seed = Number(flags.seed);
const worstCase = flags['worst-case'];

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function mulberry32(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const pick = (items) => items[Math.floor(random() * items.length)];
const hex = (length) => Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

// ---------------------------------------------------------------------------------------------
// Content: realistic enough that the prefilters and the parser do real work on part of the tree.

const WORDS = [
  'order',
  'invoice',
  'customer',
  'ticket',
  'session',
  'report',
  'widget',
  'payment',
  'account',
  'cart',
  'search',
  'profile',
  'message',
  'digest',
  'export',
  'queue',
];
const MODELS = ['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku', 'google/gemini-2.5-flash', 'meta-llama/llama-3.3-70b-instruct'];
const name = () => pick(WORDS) + pick(WORDS).replace(/^./, (c) => c.toUpperCase());

const SOURCE_BLOCKS = [
  () => [`export interface ${name().replace(/^./, (c) => c.toUpperCase())} {`, `  id: string;`, `  ${pick(WORDS)}Count: number;`, `  updatedAt: Date;`, `}`],
  () => [
    `export function ${name()}(items: readonly number[]): number {`,
    `  let total = 0;`,
    `  for (const item of items) total += item * ${int(2, 9)};`,
    `  return total;`,
    `}`,
  ],
  () => [
    `export async function load${name()}(id: string) {`,
    `  const response = await fetch(\`https://api.example.com/${pick(WORDS)}/\${id}\`);`,
    `  if (!response.ok) throw new Error(\`${pick(WORDS)} \${id}: \${response.status}\`);`,
    `  return response.json();`,
    `}`,
  ],
  () => [
    `// ${pick(WORDS)} ${pick(WORDS)} is cached for ${int(1, 60)} seconds; see docs/${pick(WORDS)}.md`,
    `const ${name()}Cache = new Map<string, { value: unknown; expires: number }>();`,
  ],
  () => [
    `router.post('/api/${pick(WORDS)}', async (req, res) => {`,
    `  const saved = await db.${pick(WORDS)}.insert(req.body);`,
    `  res.status(201).json(saved);`,
    `});`,
  ],
  () => [`export const ${name()}Schema = z.object({ id: z.string().uuid(), ${pick(WORDS)}: z.number().int().min(0), note: z.string().max(${int(80, 500)}) });`],
];

/** A capped call: only some files of a real app call the model, so only some hold one. */
const CAPPED_COMPLETION_BLOCK = () => [
  `export async function summarize${name()}(text: string) {`,
  `  const completion = await client.chat.completions.create({`,
  `    model: '${pick(MODELS)}',`,
  `    messages: [{ role: 'user', content: text }],`,
  `    max_tokens: ${int(64, 1024)},`,
  `  });`,
  `  return completion.choices[0]?.message.content ?? '';`,
  `}`,
];
const FILES_CALLING_THE_MODEL = 0.06;

const SCRIPT_BLOCKS = [
  () => [`export function ${name()}(items) {`, `  let total = 0;`, `  for (const item of items) total += item * ${int(2, 9)};`, `  return total;`, `}`],
  () => [
    `export async function load${name()}(id) {`,
    `  const response = await fetch(\`https://api.example.com/${pick(WORDS)}/\${id}\`);`,
    `  if (!response.ok) throw new Error(\`${pick(WORDS)} \${id}: \${response.status}\`);`,
    `  return response.json();`,
    `}`,
  ],
  () => [`router.post('/api/${pick(WORDS)}', async (req, res) => {`, `  res.status(201).json(await db.${pick(WORDS)}.insert(req.body));`, `});`],
  () => [`module.exports.${name()} = { retries: ${int(1, 5)}, timeoutMs: ${int(1, 30) * 1000}, label: '${pick(WORDS)}' };`],
];

/** The module each package builds its OpenRouter client in; the files that call the model import it. */
const CLIENT_MODULE = 'src/llm/client.ts';
const CLIENT_IMPORT = `import { client } from '../llm/client.js';`;
const CLIENT_CONSTRUCTION = `const client = new OpenAI({ baseURL: 'https://openrouter.ai/api/v1', apiKey: process.env.OPENROUTER_API_KEY });`;

function clientModuleLines() {
  return [
    `import OpenAI from 'openai';`,
    '',
    `/** The one OpenRouter client of this package. */`,
    `export const client = new OpenAI({`,
    `  baseURL: 'https://openrouter.ai/api/v1',`,
    `  apiKey: process.env.OPENROUTER_API_KEY,`,
    `  timeout: 60_000,`,
    `  defaultHeaders: { 'HTTP-Referer': 'https://app.example.com', 'X-OpenRouter-Title': 'Example' },`,
    `});`,
  ];
}

function sourceLines(targetBytes, typed) {
  const callsModel = typed && random() < FILES_CALLING_THE_MODEL;
  const lines = typed
    ? worstCase
      ? [`import OpenAI from 'openai';`, `import { z } from 'zod';`, CLIENT_CONSTRUCTION, '']
      : [...(callsModel ? [CLIENT_IMPORT] : []), `import { z } from 'zod';`, '']
    : [`// generated ${pick(WORDS)} helpers`, ''];
  const blocks = typed ? SOURCE_BLOCKS : SCRIPT_BLOCKS;
  if (callsModel) lines.push(...CAPPED_COMPLETION_BLOCK(), '');
  let size = 0;
  while (size < targetBytes) {
    const block = pick(blocks)();
    lines.push(...block, '');
    size += block.reduce((sum, line) => sum + line.length + 1, 1);
  }
  return lines;
}

const PYTHON_BLOCKS = [
  () => [
    `def load_${pick(WORDS)}_${pick(WORDS)}(item_id: str) -> dict:`,
    `    response = requests.get(f"https://api.example.com/${pick(WORDS)}/{item_id}", timeout=${int(2, 30)})`,
    `    response.raise_for_status()`,
    `    return response.json()`,
  ],
  () => [
    `async def push_${pick(WORDS)}(payload: dict) -> None:`,
    `    async with httpx.AsyncClient(timeout=${int(2, 30)}) as http:`,
    `        await http.post("https://hooks.example.com/${pick(WORDS)}", json=payload)`,
  ],
  () => [
    `def total_${pick(WORDS)}(items: list[int]) -> int:`,
    `    total = 0`,
    `    for item in items:`,
    `        total += item * ${int(2, 9)}`,
    `    return total`,
  ],
  () => [
    `class ${pick(WORDS).replace(/^./, (c) => c.toUpperCase())}Record:`,
    `    def __init__(self, record_id: str, ${pick(WORDS)}_count: int) -> None:`,
    `        self.record_id = record_id`,
    `        self.count = ${pick(WORDS)}_count`,
  ],
];

/** A capped call through the OpenAI SDK, as a Python worker sends it to OpenRouter. */
const PYTHON_CAPPED_BLOCK = () => [
  `def summarize_${pick(WORDS)}(text: str) -> str:`,
  `    completion = llm.chat.completions.create(`,
  `        model="${pick(MODELS)}",`,
  `        messages=[{"role": "user", "content": text}],`,
  `        max_tokens=${int(64, 1024)},`,
  `    )`,
  `    return completion.choices[0].message.content or ""`,
];
const PYTHON_FILES_CALLING_THE_MODEL = 0.08;

function pythonLines(targetBytes) {
  const lines = [`"""${pick(WORDS)} worker."""`, 'import os', '', 'import httpx', 'import requests', ''];
  if (random() < PYTHON_FILES_CALLING_THE_MODEL) {
    lines.push(
      'from openai import OpenAI',
      '',
      'llm = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"], timeout=60)',
      '',
      '',
    );
    lines.push(...PYTHON_CAPPED_BLOCK(), '', '');
  }
  let size = 0;
  while (size < targetBytes) {
    const block = pick(PYTHON_BLOCKS)();
    lines.push(...block, '', '');
    size += block.reduce((sum, line) => sum + line.length + 1, 2);
  }
  return lines;
}

function jsonLines(targetBytes) {
  const lines = ['{', `  "name": "${pick(WORDS)}-${pick(WORDS)}",`, '  "entries": ['];
  let size = 0;
  while (size < targetBytes) {
    const line = `    { "id": "${hex(12)}", "${pick(WORDS)}": ${int(0, 99999)}, "label": "${pick(WORDS)} ${pick(WORDS)}", "active": ${random() < 0.5} },`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('    { "id": "end" }', '  ]', '}');
  return lines;
}

function markdownLines(targetBytes) {
  const lines = [`# ${pick(WORDS)} ${pick(WORDS)}`, ''];
  let size = 0;
  while (size < targetBytes) {
    const paragraph = [
      `The ${pick(WORDS)} service stores each ${pick(WORDS)} for ${int(1, 90)} days before the ${pick(WORDS)} job archives it.`,
      `See [the OpenRouter docs](https://openrouter.ai/docs/quickstart) and the ${pick(WORDS)} runbook for details.`,
      '',
    ];
    lines.push(...paragraph);
    size += paragraph.reduce((sum, line) => sum + line.length + 1, 0);
  }
  return lines;
}

/** One long line, like a bundler's output chunk (not named *.min.js, which the workspace skips). */
function bundleLine(targetBytes) {
  const parts = [];
  let size = 0;
  while (size < targetBytes) {
    const part = pick([
      () => `function ${pick('abcdefgh')}${int(0, 99)}(e,t){return e.${pick(WORDS)}=t,e}`,
      () => `var ${pick('nrstuv')}${int(0, 999)}=fetch("https://api.example.com/${pick(WORDS)}").then(function(e){return e.json()});`,
      () => `${pick('xyz')}.post("/api/${pick(WORDS)}",{id:${int(0, 9999)}}).then(function(r){return r.data});`,
      () => `const ${pick('ijk')}${int(0, 99)}=[${Array.from({ length: 8 }, () => int(0, 255)).join(',')}];`,
    ])();
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// The tree: ~12 KB per file on average, most bytes in the bundles, as in real front-end repos.

function generateTree() {
  const files = [];
  const packageCount = Math.max(2, Math.round(fileCount / 250));
  const packageOf = (index) => `packages/${WORDS[index % WORDS.length]}-${index}`;
  for (let index = 0; index < fileCount; index++) {
    const pkg = packageOf(index % packageCount);
    const roll = random();
    let path;
    let lines;
    let kind;
    if (roll < 0.4) {
      kind = 'ts';
      path = `${pkg}/src/${pick(WORDS)}/${name()}-${index}.ts`;
      lines = sourceLines(int(1500, 11000), true);
    } else if (roll < 0.52) {
      kind = 'js';
      path = `${pkg}/lib/${name()}-${index}.js`;
      lines = sourceLines(int(1500, 9000), false);
    } else if (roll < 0.57) {
      kind = 'py';
      path = `${pkg}/workers/${pick(WORDS)}_${pick(WORDS)}_${index}.py`;
      lines = pythonLines(int(1500, 9000));
    } else if (roll < 0.71) {
      kind = 'json';
      path = `${pkg}/data/${name()}-${index}.json`;
      lines = jsonLines(int(2000, 14000));
    } else if (roll < 0.9) {
      kind = 'md';
      path = `${pkg}/docs/${name()}-${index}.md`;
      lines = markdownLines(int(1500, 8000));
    } else if (roll < 0.965) {
      kind = 'bundle';
      path = `${pkg}/public/assets/${pick(WORDS)}.${hex(8)}.js`;
      lines = [bundleLine(int(60_000, 180_000))];
    } else {
      kind = 'binary';
      path = `${pkg}/assets/${name()}-${index}.png`;
      lines = undefined;
    }
    files.push({ path, kind, lines });
  }
  if (!worstCase) {
    for (let index = 0; index < packageCount; index++) files.push({ path: `${packageOf(index)}/${CLIENT_MODULE}`, kind: 'client', lines: clientModuleLines() });
  }
  return files;
}

/**
 * Plants what must be found: each entry records the check, file, line and column it must be reported at.
 * Planted lines are unique, and their line numbers are read once every insertion is done (a later
 * insertion above an earlier one shifts it).
 */
/** Lines planted at a block boundary of a file of `kind`: each must be reported at `needle`'s column. */
const LINE_PLANTS = [
  { check: 'hardcoded-key', kind: 'ts', count: 2, text: () => `const apiKey = '${key()}';`, needle: KEY_PREFIX },
  { check: 'hardcoded-key', kind: 'json', count: 1, text: () => `  "openrouterKey": "${key()}",`, needle: KEY_PREFIX },
  { check: 'hardcoded-key', kind: 'md', count: 1, text: () => `    export OPENROUTER_API_KEY=${key()}`, needle: KEY_PREFIX },
  { check: 'hardcoded-key', kind: 'py', count: 2, text: () => `OPENROUTER_API_KEY = "${key()}"`, needle: KEY_PREFIX },
  { check: 'https-only', kind: 'ts', count: 2, text: () => `const OPENROUTER_BASE = '${PLAIN_OPENROUTER}/api/v1';`, needle: 'http' },
  { check: 'https-only', kind: 'md', count: 1, text: () => `    curl ${PLAIN_OPENROUTER}/api/v1/models`, needle: 'http' },
  { check: 'https-only', kind: 'json', count: 1, text: () => `  "baseUrl": "${PLAIN_OPENROUTER}/api/v1",`, needle: 'http' },
  { check: 'https-only', kind: 'py', count: 1, text: () => `OPENROUTER_BASE_URL = "${PLAIN_OPENROUTER}/api/v1"`, needle: 'http' },
];

/**
 * Functions appended at the end of a file of `kind`, with `imports` added at its top: the request in `body` must be
 * reported at `needle`'s column.
 */
const FUNCTION_PLANTS = [
  {
    check: 'max-tokens',
    kind: 'ts',
    count: 4,
    imports: worstCase ? [] : [CLIENT_IMPORT],
    header: (index) => `export async function uncapped${index}(text${index}: string) {`,
    body: (index) => `  return client.chat.completions.create({ model: '${pick(MODELS)}', messages: [{ role: 'user', content: text${index} }] });`,
    footer: '}',
    needle: 'client',
  },
  {
    check: 'max-tokens',
    kind: 'js',
    count: 2,
    imports: [],
    header: (index) => `export async function uncappedFetch${index}(messages${index}) {`,
    body: (index) =>
      `  return fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: '${pick(MODELS)}', messages${index} }) });`,
    footer: '}',
    needle: 'fetch',
  },
  {
    check: 'max-tokens',
    kind: 'py',
    count: 2,
    imports: ['llm = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"], timeout=60)', 'from openai import OpenAI'],
    header: (index) => `def uncapped_${index}(text_${index}: str):`,
    body: (index) => `    return llm.chat.completions.create(model="${pick(MODELS)}", messages=[{"role": "user", "content": text_${index}}])`,
    footer: '',
    needle: 'llm',
  },
  {
    check: 'max-tokens',
    kind: 'py',
    count: 2,
    imports: [],
    header: (index) => `def uncapped_http_${index}(messages_${index}: list):`,
    body: (index) =>
      `    return requests.post("https://openrouter.ai/api/v1/chat/completions", json={"model": "${pick(MODELS)}", "messages": messages_${index}}, timeout=60)`,
    footer: '',
    needle: 'requests',
  },
];

function key() {
  return KEY_PREFIX + hex(64);
}

/**
 * Plants what must be found: each entry records the check, file, line and column it must be reported at.
 * Planted lines are unique, and their line numbers are read once every insertion is done (a later
 * insertion above an earlier one shifts it).
 */
function plant(files) {
  const plantedLines = [];
  const ofKind = (kind) => files.filter((file) => file.kind === kind);
  const insertLine = (check, file, text, needle) => {
    // After a blank line when the file has blocks, so a planted line never splits a statement or a Python block.
    const boundaries = file.lines.flatMap((line, index) => (line === '' && index + 1 < file.lines.length ? [index + 1] : []));
    const at = boundaries.length > 0 ? pick(boundaries) : int(1, file.lines.length - 1);
    file.lines.splice(at, 0, text);
    plantedLines.push({ check, file, text, column: text.indexOf(needle) + 1 });
  };

  for (const { check, kind, count, text, needle } of LINE_PLANTS) {
    for (const file of pickDistinct(ofKind(kind), count)) insertLine(check, file, text(), needle);
  }
  // A key in one bundle's single long line, and in the places keys leak outside the code.
  for (const file of pickDistinct(ofKind('bundle'), 1)) {
    const text = file.lines[0];
    const boundary = text.lastIndexOf(';', int(1000, text.length - 1000)) + 1;
    file.lines[0] = `${text.slice(0, boundary)}var k="${key()}";${text.slice(boundary)}`;
    plantedLines.push({ check: 'hardcoded-key', file, text: file.lines[0], column: boundary + 'var k="'.length + 1 });
  }
  const envFile = { path: `packages/${WORDS[0]}-0/.env.production`, kind: 'env', lines: ['NODE_ENV=production', 'LOG_LEVEL=info'] };
  files.push(envFile);
  insertLine('hardcoded-key', envFile, `OPENROUTER_API_KEY=${key()}`, KEY_PREFIX);
  const workflow = { path: '.github/workflows/deploy.yml', kind: 'yml', lines: ['name: deploy', 'on: push', 'env:', 'jobs: {}'] };
  files.push(workflow);
  workflow.lines.splice(3, 0, `  OPENROUTER_API_KEY: ${key()}`);
  plantedLines.push({ check: 'hardcoded-key', file: workflow, text: workflow.lines[3], column: workflow.lines[3].indexOf(KEY_PREFIX) + 1 });

  for (const { check, kind, count, imports, header, body, footer, needle } of FUNCTION_PLANTS) {
    for (const [index, file] of pickDistinct(ofKind(kind), count).entries()) {
      const text = body(index);
      for (const line of imports) if (!file.lines.includes(line)) file.lines.unshift(line);
      file.lines.push(header(index), text, footer);
      plantedLines.push({ check, file, text, column: text.indexOf(needle) + 1 });
    }
  }

  return plantedLines.map(({ check, file, text, column }) => {
    const line = file.lines.indexOf(text) + 1;
    if (line === 0 || file.lines.lastIndexOf(text) + 1 !== line) fail(`planted line is not unique in ${file.path}: ${text.slice(0, 80)}`);
    return { check, file: file.path, line, column };
  });
}

function pickDistinct(items, count) {
  const chosen = new Set();
  if (items.length < count) fail(`the tree is too small to plant ${count} findings in one kind of file; use more --files`);
  while (chosen.size < count) chosen.add(items[Math.floor(random() * items.length)]);
  return [...chosen];
}

/**
 * Keys where only the key and URL search looks (issue 16): at the start of a line appended to a binary file,
 * and in a minified bundle under dist/. Planted after the tree is written, with a PRNG of their own, so the
 * tree is the same as before they existed (one file more).
 */
function plantOutsideTheCode(root, files) {
  const own = mulberry32(seed ^ 0x16);
  const ownKey = () => KEY_PREFIX + Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(own() * 16)]).join('');
  const binaries = files.filter((file) => file.kind === 'binary');
  const binary = binaries[Math.floor(own() * binaries.length)];
  const path = join(root, binary.path);
  const before = readFileSync(path);
  const appended = Buffer.from(`\n${ownKey()}\n`);
  writeFileSync(path, Buffer.concat([before, appended]));
  binary.bytes += appended.length;
  const newlines = before.reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 0);
  const bundle = { path: `packages/${WORDS[0]}-0/dist/vendor.min.js`, kind: 'generated', lines: [`!function(){var k="${ownKey()}";return k}();`] };
  mkdirSync(dirname(join(root, bundle.path)), { recursive: true });
  const content = Buffer.from(`${bundle.lines[0]}\n`);
  writeFileSync(join(root, bundle.path), content);
  bundle.bytes = content.length;
  files.push(bundle);
  return {
    bytes: appended.length + content.length,
    planted: [
      { check: 'hardcoded-key', file: binary.path, line: newlines + 2, column: 1 },
      { check: 'hardcoded-key', file: bundle.path, line: 1, column: bundle.lines[0].indexOf(KEY_PREFIX) + 1 },
    ],
  };
}

function writeTree(root, files) {
  let bytes = 0;
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    const content = file.lines
      ? Buffer.from(file.lines.join('\n') + '\n')
      : Buffer.from(Array.from({ length: int(4000, 40000) }, () => (random() < 0.1 ? 0 : int(1, 255))));
    writeFileSync(path, content);
    file.bytes = content.length;
    bytes += content.length;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const TIME = ['/usr/bin/time'].find((path) => existsSync(path) && spawnSync(path, ['-v', 'true']).status === 0);
/** Set once the scratch folder exists: the CLI's code cache goes there, never into the user's own. */
let cacheHome;

/** Runs a command; wall time from here, peak RSS from /usr/bin/time -v, else from a preload in the child. */
function measure(command, args, scratch, cwd) {
  const rssFile = join(scratch, `rss-${process.hrtime.bigint()}`);
  let argv = [command, ...args];
  if (TIME) argv = [TIME, '-v', '-o', rssFile, ...argv];
  else if (command === process.execPath) {
    const preload = join(scratch, 'report-rss.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, 'Maximum resident set size (kbytes): ' + process.resourceUsage().maxRSS));\n`,
    );
    argv = [command, '--require', preload, ...args];
  }
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd, env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.error) fail(`${command} could not run: ${run.error.message}`);
  const rssText = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(rssText)?.[1] ?? NaN);
  const cpuSeconds =
    Number(/User time \(seconds\): ([\d.]+)/.exec(rssText)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(rssText)?.[1] ?? NaN);
  return { seconds, cpuSeconds, rssMb: rssKb / 1024, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function runCli(tree, extraArgs, scratch) {
  const run = measure(process.execPath, [CLI, tree, '--offline', '--format', 'json', ...extraArgs], scratch);
  if (run.status !== 0 && run.status !== 1) fail(`the CLI exited ${run.status}:\n${run.stderr}`);
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    fail(`the CLI did not print a JSON report:\n${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
  return { ...run, report };
}

/** The run with the median wall time. */
function median(runs) {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => directory && existsSync(join(directory, command)));
}

/** A failure the user should read as one line, not as a stack trace. */
class BenchFailure extends Error {}

function fail(message) {
  throw new BenchFailure(message);
}

const mb = (bytes) => bytes / (1024 * 1024);
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

// ---------------------------------------------------------------------------------------------

function main() {
  if (!Number.isInteger(fileCount) || fileCount < 50) fail(`--files must be an integer >= 50, got ${flags.files}`);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, got ${flags.seed}`);
  if (!Number.isInteger(dependencyCopies) || dependencyCopies < 0) fail(`--dependency-copies must be an integer >= 0, got ${flags['dependency-copies']}`);
  if (!Number.isInteger(bundleCount) || bundleCount < 1) fail(`--bundles must be an integer >= 1, got ${flags.bundles}`);
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) fail('dist/cli.js is missing: run `npm run build` first (npm run bench does)');
  if (!onPath('git')) fail('git is not on the PATH: the bench commits its trees, as the tool audits what git tracks');
  const scratch = mkdtempSync(join(tmpdir(), 'orc-bench-'));
  cacheHome = join(scratch, 'cache');
  try {
    return benchmark(scratch);
  } finally {
    if (flags.keep) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

/** The checks whose every finding must be planted: anything else they report is a false positive. */
const PRECISE_CHECKS = ['hardcoded-key', 'https-only', 'max-tokens'];
/** The max-tokens pass of each language on its files alone: `kinds` are the generator's, `include` the scan's. */
const LANGUAGE_PASSES = [
  { label: 'TypeScript and JavaScript', kinds: ['ts', 'js', 'client', 'bundle'], include: ['**/*.ts', '**/*.js'] },
  { label: 'Python', kinds: ['py'], include: ['**/*.py'] },
];
const TARGETS = { scanRatio: 2, fullMbPerSecond: 60, peakRssMb: 500, smallProjectRatio: 4 };
const KEY_AND_URL = ['--only', 'hardcoded-key,https-only'];
const RIPGREP_PATTERNS = ['-e', `${KEY_PREFIX}[0-9a-f]{64}`, '-e', '(?i)http://([a-z0-9-]+\\.)*openrouter\\.ai'];

const verdict = (met) => (met ? 'target met' : 'TARGET MISSED');
const line = (label, run, bytes, files) =>
  `${label}: ${fixed(run.seconds, 2)} s wall, ${fixed(run.cpuSeconds, 2)} s cpu, ${fixed(mb(bytes) / run.seconds)} MB/s, ${fixed(files / run.seconds, 0)} files/s, peak RSS ${fixed(run.rssMb, 0)} MB`;

/**
 * The key and URL scan and ripgrep, alternately, on a tree git tracks whole: ripgrep reads every file but
 * .git (checked to be exactly git's list first) with --text, so binaries are read whole as the scan reads them.
 */
function scanAgainstRipgrep(label, tree, bytes, scratch, runs) {
  const hasRipgrep = onPath('rg');
  if (hasRipgrep) {
    const differs = ripgrepReadsTrackedFiles(tree);
    if (differs) fail(`ripgrep would not read the files git tracks in the ${label}: ${differs}`);
  }
  const scans = [];
  const ripgreps = [];
  for (let run = 0; run < runs; run++) {
    scans.push(runCli(tree, KEY_AND_URL, scratch));
    if (hasRipgrep) ripgreps.push(measure('rg', [...RIPGREP_EVERY_FILE, '--count-matches', '--no-messages', ...RIPGREP_PATTERNS, '.'], scratch, tree));
  }
  const scan = median(scans);
  console.log(
    `  key and URL scan (${KEY_AND_URL.join(' ')}), median of ${runs}: ${fixed(scan.seconds, 2)} s wall, ${fixed(scan.cpuSeconds, 2)} s cpu, ${fixed(mb(bytes) / scan.seconds)} MB/s, peak RSS ${fixed(scan.rssMb, 0)} MB`,
  );
  if (!hasRipgrep) {
    console.log('  ripgrep: not on the PATH (apt-get install ripgrep), ratio not measured');
    return { scan, ratio: NaN };
  }
  const rg = median(ripgreps);
  const ratio = scan.seconds / rg.seconds;
  console.log(
    `  ripgrep, same patterns and the same ${label === 'dependency tree' ? 'files' : 'file list'} (median of ${runs}, alternating): ${fixed(rg.seconds, 2)} s wall, ${fixed(rg.cpuSeconds, 2)} s cpu, ${fixed(mb(bytes) / rg.seconds)} MB/s`,
  );
  console.log(`  runs: scan ${scans.map((run) => fixed(run.seconds, 2)).join(' ')} s; ripgrep ${ripgreps.map((run) => fixed(run.seconds, 2)).join(' ')} s`);
  console.log(`  key and URL scan = ${fixed(ratio, 2)}x ripgrep`);
  return { scan, ratio };
}

/** The planted findings a report missed (and, when `precise`, the findings of PRECISE_CHECKS nothing was planted for). */
function checkFindings(label, report, planted, precise) {
  const located = (check, finding) => `${check} ${finding.file}:${finding.line}:${finding.column}`;
  const reported = new Set(report.checks.flatMap((check) => check.findings.map((finding) => located(check.id, finding))));
  const plantedAt = new Set(planted.map((p) => located(p.check, p)));
  const missing = [...plantedAt].filter((location) => !reported.has(location));
  const invented = precise ? [...reported].filter((location) => PRECISE_CHECKS.includes(location.split(' ')[0]) && !plantedAt.has(location)) : [];
  if (missing.length > 0)
    console.error(`\nbench: ${label}: ${missing.length} of ${planted.length} planted findings were not reported:\n  ${missing.join('\n  ')}`);
  if (invented.length > 0)
    console.error(
      `\nbench: ${label}: ${invented.length} findings of ${PRECISE_CHECKS.join(', ')} at places nothing was planted:\n  ${invented.slice(0, 10).join('\n  ')}`,
    );
  if (missing.length === 0 && invented.length === 0)
    console.log(`  all ${planted.length} planted findings reported${precise ? `, none elsewhere by ${PRECISE_CHECKS.join(', ')}` : ''}`);
  return missing.length + invented.length;
}

/** Medians of `runs` alternating runs of each command: [seconds, ...] per command. */
function alternate(commands, runs, scratch) {
  const times = commands.map(() => []);
  for (let run = 0; run < runs; run++) {
    commands.forEach(([command, args, check], index) => {
      const measured = measure(command, args, scratch);
      check?.(measured);
      times[index].push(measured);
    });
  }
  return times.map(median);
}

/** Generates each tree, measures the runs, and returns the exit code: 1 if a planted finding was missed or one was invented. */
function benchmark(scratch) {
  let wrong = 0;
  const rss = [];
  const results = {};

  // 1. The generated monorepo, committed to git.
  const tree = join(scratch, 'tree');
  const generationStarted = process.hrtime.bigint();
  const files = generateTree();
  const planted = plant(files);
  let bytes = writeTree(tree, files);
  const outsideTheCode = plantOutsideTheCode(tree, files);
  bytes += outsideTheCode.bytes;
  planted.push(...outsideTheCode.planted);
  commitTree(tree);
  const generationSeconds = Number(process.hrtime.bigint() - generationStarted) / 1e9;
  const count = (kind) => files.filter((file) => file.kind === kind).length;
  console.log(
    `peak RSS via ${TIME ? `${TIME} -v` : 'process.resourceUsage() in the child'}; cpu = user + sys; every tree is a git repository with every file committed\n`,
  );
  console.log(
    `1. generated monorepo: ${files.length} files, ${fixed(mb(bytes))} MB, seed ${seed}${worstCase ? ', worst case (every TypeScript file builds its own client)' : ''}, generated and committed in ${fixed(generationSeconds)} s`,
  );
  console.log(`  ${['ts', 'js', 'py', 'json', 'md', 'bundle', 'binary', 'client', 'generated'].map((kind) => `${count(kind)} ${kind}`).join(', ')}`);
  console.log(`  planted: ${planted.length} findings (${PRECISE_CHECKS.map((id) => `${planted.filter((p) => p.check === id).length} ${id}`).join(', ')})`);
  const full = runCli(tree, [], scratch);
  rss.push(full.rssMb);
  const codeFiles = full.report.workspace.scopes?.code?.files;
  console.log(
    `  ${line('full static audit (--offline, default scope)', full, bytes, files.length)}${codeFiles === undefined ? '' : `; ${codeFiles} files in the code scope`}`,
  );
  for (const check of full.report.checks.filter((check) => check.kind === 'static')) {
    console.log(`    ${check.id.padEnd(20)} ${String(check.durationMs).padStart(6)} ms  ${check.status}, ${check.findings.length} findings`);
  }
  wrong += checkFindings('generated monorepo', full.report, planted, true);
  results.fullMbPerSecond = mb(bytes) / full.seconds;
  if (!tiny) {
    const maxTokens = runCli(tree, ['--only', 'max-tokens'], scratch);
    rss.push(maxTokens.rssMb);
    console.log(`  ${line('max-tokens alone', maxTokens, bytes, files.length)}`);
    // Each language's max-tokens pass over its own files only (scan.include), so their throughputs compare.
    for (const { label, kinds, include } of LANGUAGE_PASSES) {
      const config = join(scratch, `${kinds.join('-')}.yml`);
      writeFileSync(config, `scan:\n  include: ${JSON.stringify(include)}\n`);
      const pass = runCli(tree, ['--only', 'max-tokens', '--config', config], scratch);
      const ofKinds = files.filter((file) => kinds.includes(file.kind));
      const passBytes = ofKinds.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
      console.log(`  ${line(`max-tokens on ${label} only (${ofKinds.length} files, ${fixed(mb(passBytes))} MB)`, pass, passBytes, ofKinds.length)}`);
    }
  }
  const monorepoScan = scanAgainstRipgrep('generated monorepo', tree, bytes, scratch, scanRuns);
  rss.push(monorepoScan.scan.rssMb);
  results.monorepoRatio = monorepoScan.ratio;
  if (!flags.keep) rmSync(tree, { recursive: true, force: true });

  // 2. Copies of this project's own dependencies, committed.
  if (dependencyCopies > 0) {
    const deps = join(scratch, 'dependencies');
    const started = process.hrtime.bigint();
    const made = dependencyTree(deps, REPO, dependencyCopies, key);
    console.log(
      `\n2. dependency tree: ${dependencyCopies} copies of this project's node_modules, ${made.files} files, ${fixed(mb(made.bytes))} MB, committed in ${fixed(Number(process.hrtime.bigint() - started) / 1e9)} s; planted: ${made.planted.length}`,
    );
    const audit = runCli(deps, [], scratch);
    rss.push(audit.rssMb);
    console.log(`  ${line('full static audit', audit, made.bytes, made.files)}`);
    wrong += checkFindings('dependency tree', audit.report, made.planted, false);
    const depsScan = scanAgainstRipgrep('dependency tree', deps, made.bytes, scratch, scanRuns);
    rss.push(depsScan.scan.rssMb);
    results.dependencyRatio = depsScan.ratio;
    if (!flags.keep) rmSync(deps, { recursive: true, force: true });
  }

  // 3. Large bundles analysed as code (a folder not named dist or build, a raised scan.max_file_size).
  const bundles = join(scratch, 'bundles');
  const bundleShape = { count: bundleCount, size: 900 * 1024, huge: tiny ? 1 : 2, hugeSize: (tiny ? 20 : 40) * 1024 * 1024 };
  const madeBundles = bundleTree(bundles, bundleShape, key);
  console.log(
    `\n3. bundles analysed as code: ${bundleShape.count} of 0.9 MB that call OpenRouter, ${bundleShape.huge} of ${fixed(mb(bundleShape.hugeSize), 0)} MB searched only; ${fixed(mb(madeBundles.bytes))} MB; planted: ${madeBundles.planted.length}`,
  );
  const bundleAudit = runCli(bundles, [], scratch);
  rss.push(bundleAudit.rssMb);
  console.log(`  ${line('full static audit', bundleAudit, madeBundles.bytes, madeBundles.files)}`);
  wrong += checkFindings('bundle tree', bundleAudit.report, madeBundles.planted, false);
  results.bundleRssMb = bundleAudit.rssMb;

  // 4. Start-up: a pre-commit-sized project, against a bare Node.
  const small = join(scratch, 'small');
  const madeSmall = smallProject(small, 10);
  const smallArgs = [CLI, small, '--offline', '--format', 'json'];
  const firstRun = runCli(small, [], scratch);
  wrong += checkFindings('small project', firstRun.report, madeSmall.planted, false);
  const [bare, smallAudit, keysOnly, version] = alternate(
    [
      [process.execPath, ['-e', '']],
      [process.execPath, smallArgs, (run) => run.status === 1 || fail(`the small project's audit exited ${run.status}: ${run.stderr}`)],
      [process.execPath, [...smallArgs, ...KEY_AND_URL]],
      [process.execPath, [CLI, '--version']],
    ],
    startupRuns,
    scratch,
  );
  results.smallProjectRatio = smallAudit.seconds / bare.seconds;
  const ms = (run) => `${fixed(run.seconds * 1000, 0)} ms (${fixed(run.seconds / bare.seconds, 2)}x)`;
  console.log(
    `\n4. start-up: ${madeSmall.files} TypeScript files calling OpenRouter; medians of ${startupRuns} alternating runs, against a bare \`node -e ''\` (${fixed(bare.seconds * 1000, 0)} ms)`,
  );
  console.log(
    `  full audit (--offline): ${ms(smallAudit)}, peak RSS ${fixed(smallAudit.rssMb, 0)} MB; its first run, compiling the TypeScript compiler without a code cache: ${fixed(firstRun.seconds * 1000, 0)} ms`,
  );
  console.log(`  key and URL scan alone: ${ms(keysOnly)}; --version: ${ms(version)}`);

  const peakRss = Math.max(...rss.filter(Number.isFinite));
  const ratioVerdict = (ratio) => (Number.isFinite(ratio) ? `${fixed(ratio, 2)}x ${verdict(ratio <= TARGETS.scanRatio)}` : 'not measured (no ripgrep)');
  console.log('\ntargets:');
  console.log(`  key and URL scan vs ripgrep, generated monorepo: ${ratioVerdict(results.monorepoRatio)} (<= ${TARGETS.scanRatio}x)`);
  if (dependencyCopies > 0) console.log(`  key and URL scan vs ripgrep, dependency tree: ${ratioVerdict(results.dependencyRatio)} (<= ${TARGETS.scanRatio}x)`);
  console.log(
    `  full static audit of the monorepo: ${fixed(results.fullMbPerSecond)} MB/s ${verdict(results.fullMbPerSecond >= TARGETS.fullMbPerSecond)} (>= ${TARGETS.fullMbPerSecond} MB/s)`,
  );
  console.log(
    `  peak RSS, every run: ${fixed(peakRss, 0)} MB ${verdict(peakRss < TARGETS.peakRssMb)} (< ${TARGETS.peakRssMb} MB; bundle tree ${fixed(results.bundleRssMb, 0)} MB)`,
  );
  console.log(
    `  small project vs bare node: ${fixed(results.smallProjectRatio, 2)}x ${verdict(results.smallProjectRatio <= TARGETS.smallProjectRatio)} (<= ${TARGETS.smallProjectRatio}x)`,
  );
  if (wrong > 0) return 1;
  console.log('\nevery planted finding reported');
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
}
