#!/usr/bin/env node
// Benchmarks the built CLI on a large generated tree (npm run bench; not part of npm test).
// The tree is generated from a seeded PRNG, so a seed always gives the same files; planted keys,
// plain-http URLs and uncapped calls sit at known places, and every one of them must be reported.
//
//   node scripts/bench.mjs [--files N] [--seed N] [--worst-case] [--keep]
//
// The default tree is shaped like a real monorepo: each package builds its OpenRouter client in one module
// (src/llm/client.ts) that the few files calling the model import. --worst-case makes every TypeScript file
// build its own client instead, so that every one of them is parsed by the client checks (and warned about).
//
// Keys are made at run time from the PRNG and exist only in the temporary tree, which is deleted at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = new URL('..', import.meta.url).pathname;
const CLI = join(REPO, 'bin', 'openrouter-check.js');
const DEFAULT_FILES = 25000;
const VERSION_RUNS = 5;
/**
 * The key and URL scan and ripgrep are timed this many times each, alternately, and compared by their
 * medians: one run of either varies by ±10% on a shared 2-core machine, and alternating spreads any
 * slow spell over both.
 */
const SCAN_RUNS = 7;
const DEFAULT_SEED = 20261125;
/** Built from parts so this script never holds a plain-http OpenRouter URL itself. */
const PLAIN_OPENROUTER = 'http' + '://' + 'openrouter.ai';
const KEY_PREFIX = 'sk-or' + '-v1-';

const { values: flags } = parseArgs({
  options: {
    files: { type: 'string', default: String(DEFAULT_FILES) },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    keep: { type: 'boolean', default: false },
    'worst-case': { type: 'boolean', default: false },
  },
});
const fileCount = Number(flags.files);
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

const WORDS = ['order', 'invoice', 'customer', 'ticket', 'session', 'report', 'widget', 'payment', 'account', 'cart', 'search', 'profile', 'message', 'digest', 'export', 'queue'];
const MODELS = ['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku', 'google/gemini-2.5-flash', 'meta-llama/llama-3.3-70b-instruct'];
const name = () => pick(WORDS) + pick(WORDS).replace(/^./, (c) => c.toUpperCase());

const SOURCE_BLOCKS = [
  () => [`export interface ${name().replace(/^./, (c) => c.toUpperCase())} {`, `  id: string;`, `  ${pick(WORDS)}Count: number;`, `  updatedAt: Date;`, `}`],
  () => [`export function ${name()}(items: readonly number[]): number {`, `  let total = 0;`, `  for (const item of items) total += item * ${int(2, 9)};`, `  return total;`, `}`],
  () => [`export async function load${name()}(id: string) {`, `  const response = await fetch(\`https://api.example.com/${pick(WORDS)}/\${id}\`);`, `  if (!response.ok) throw new Error(\`${pick(WORDS)} \${id}: \${response.status}\`);`, `  return response.json();`, `}`],
  () => [`// ${pick(WORDS)} ${pick(WORDS)} is cached for ${int(1, 60)} seconds; see docs/${pick(WORDS)}.md`, `const ${name()}Cache = new Map<string, { value: unknown; expires: number }>();`],
  () => [`router.post('/api/${pick(WORDS)}', async (req, res) => {`, `  const saved = await db.${pick(WORDS)}.insert(req.body);`, `  res.status(201).json(saved);`, `});`],
  () => [`export const ${name()}Schema = z.object({ id: z.string().uuid(), ${pick(WORDS)}: z.number().int().min(0), note: z.string().max(${int(80, 500)}) });`],
];

/** A capped call: only some files of a real app call the model, so only some hold one. */
const CAPPED_COMPLETION_BLOCK = () => [`export async function summarize${name()}(text: string) {`, `  const completion = await client.chat.completions.create({`, `    model: '${pick(MODELS)}',`, `    messages: [{ role: 'user', content: text }],`, `    max_tokens: ${int(64, 1024)},`, `  });`, `  return completion.choices[0]?.message.content ?? '';`, `}`];
const FILES_CALLING_THE_MODEL = 0.06;

const SCRIPT_BLOCKS = [
  () => [`export function ${name()}(items) {`, `  let total = 0;`, `  for (const item of items) total += item * ${int(2, 9)};`, `  return total;`, `}`],
  () => [`export async function load${name()}(id) {`, `  const response = await fetch(\`https://api.example.com/${pick(WORDS)}/\${id}\`);`, `  if (!response.ok) throw new Error(\`${pick(WORDS)} \${id}: \${response.status}\`);`, `  return response.json();`, `}`],
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
  () => [`def load_${pick(WORDS)}_${pick(WORDS)}(item_id: str) -> dict:`, `    response = requests.get(f"https://api.example.com/${pick(WORDS)}/{item_id}", timeout=${int(2, 30)})`, `    response.raise_for_status()`, `    return response.json()`],
  () => [`async def push_${pick(WORDS)}(payload: dict) -> None:`, `    async with httpx.AsyncClient(timeout=${int(2, 30)}) as http:`, `        await http.post("https://hooks.example.com/${pick(WORDS)}", json=payload)`],
  () => [`def total_${pick(WORDS)}(items: list[int]) -> int:`, `    total = 0`, `    for item in items:`, `        total += item * ${int(2, 9)}`, `    return total`],
  () => [`class ${pick(WORDS).replace(/^./, (c) => c.toUpperCase())}Record:`, `    def __init__(self, record_id: str, ${pick(WORDS)}_count: int) -> None:`, `        self.record_id = record_id`, `        self.count = ${pick(WORDS)}_count`],
];

/** A capped call through the OpenAI SDK, as a Python worker sends it to OpenRouter. */
const PYTHON_CAPPED_BLOCK = () => [`def summarize_${pick(WORDS)}(text: str) -> str:`, `    completion = llm.chat.completions.create(`, `        model="${pick(MODELS)}",`, `        messages=[{"role": "user", "content": text}],`, `        max_tokens=${int(64, 1024)},`, `    )`, `    return completion.choices[0].message.content or ""`];
const PYTHON_FILES_CALLING_THE_MODEL = 0.08;

function pythonLines(targetBytes) {
  const lines = [`"""${pick(WORDS)} worker."""`, 'import os', '', 'import httpx', 'import requests', ''];
  if (random() < PYTHON_FILES_CALLING_THE_MODEL) {
    lines.push('from openai import OpenAI', '', 'llm = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"], timeout=60)', '', '');
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
    body: (index) => `  return fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: '${pick(MODELS)}', messages${index} }) });`,
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
    body: (index) => `    return requests.post("https://openrouter.ai/api/v1/chat/completions", json={"model": "${pick(MODELS)}", "messages": messages_${index}}, timeout=60)`,
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
    const content = file.lines ? Buffer.from(file.lines.join('\n') + '\n') : Buffer.from(Array.from({ length: int(4000, 40000) }, () => (random() < 0.1 ? 0 : int(1, 255))));
    writeFileSync(path, content);
    file.bytes = content.length;
    bytes += content.length;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const TIME = ['/usr/bin/time'].find((path) => existsSync(path) && spawnSync(path, ['-v', 'true']).status === 0);

/** Runs a command; wall time from here, peak RSS from /usr/bin/time -v, else from a preload in the child. */
function measure(command, args, scratch) {
  const rssFile = join(scratch, `rss-${process.hrtime.bigint()}`);
  let argv = [command, ...args];
  if (TIME) argv = [TIME, '-v', '-o', rssFile, ...argv];
  else if (command === process.execPath) {
    const preload = join(scratch, 'report-rss.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, 'Maximum resident set size (kbytes): ' + process.resourceUsage().maxRSS));\n`);
    argv = [command, '--require', preload, ...args];
  }
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.error) fail(`${command} could not run: ${run.error.message}`);
  const rssText = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(rssText)?.[1] ?? NaN);
  const cpuSeconds = Number(/User time \(seconds\): ([\d.]+)/.exec(rssText)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(rssText)?.[1] ?? NaN);
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
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) fail('dist/cli.js is missing: run `npm run build` first (npm run bench does)');
  const scratch = mkdtempSync(join(tmpdir(), 'orc-bench-'));
  try {
    return benchmark(join(scratch, 'tree'), scratch);
  } finally {
    if (flags.keep) console.log(`kept ${join(scratch, 'tree')}`);
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
const TARGETS = { scanRatio: 3, fullMbPerSecond: 50, peakRssMb: 500, versionMs: 150 };

/** Median wall time of `openrouter-check --version`, in milliseconds. */
function versionMilliseconds(scratch) {
  const times = [];
  for (let run = 0; run < VERSION_RUNS; run++) {
    const measured = measure(process.execPath, [CLI, '--version'], scratch);
    if (measured.status !== 0) fail(`--version exited ${measured.status}: ${measured.stderr}`);
    times.push(measured.seconds * 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const verdict = (met) => (met ? 'target met' : 'TARGET MISSED');

/** Generates the tree, measures the runs, and returns the exit code: 1 if a planted finding was missed or one was invented. */
function benchmark(tree, scratch) {
  const generationStarted = process.hrtime.bigint();
  const files = generateTree();
  const planted = plant(files);
  let bytes = writeTree(tree, files);
  const outsideTheCode = plantOutsideTheCode(tree, files);
  bytes += outsideTheCode.bytes;
  planted.push(...outsideTheCode.planted);
  const generationSeconds = Number(process.hrtime.bigint() - generationStarted) / 1e9;
  const count = (kind) => files.filter((file) => file.kind === kind).length;
  console.log(`tree: ${files.length} files, ${fixed(mb(bytes))} MB, seed ${seed}${worstCase ? ', worst case (every TypeScript file builds its own client)' : ''}, generated in ${fixed(generationSeconds)} s${flags.keep ? ` at ${tree}` : ''}`);
  console.log(`  ${['ts', 'js', 'py', 'json', 'md', 'bundle', 'binary', 'client', 'generated'].map((kind) => `${count(kind)} ${kind}`).join(', ')}`);
  console.log(`planted: ${planted.length} findings (${PRECISE_CHECKS.map((id) => `${planted.filter((p) => p.check === id).length} ${id}`).join(', ')})`);
  console.log(`peak RSS via ${TIME ? `${TIME} -v` : 'process.resourceUsage() in the child'}; cpu = user + sys\n`);

  const line = (label, run) =>
    `${label}: ${fixed(run.seconds, 2)} s wall, ${fixed(run.cpuSeconds, 2)} s cpu, ${fixed(mb(bytes) / run.seconds)} MB/s, ${fixed(files.length / run.seconds, 0)} files/s, peak RSS ${fixed(run.rssMb, 0)} MB`;
  const full = runCli(tree, [], scratch);
  console.log(line('full static audit (--offline)', full));
  for (const check of full.report.checks.filter((check) => check.kind === 'static')) {
    console.log(`  ${check.id.padEnd(20)} ${String(check.durationMs).padStart(6)} ms  ${check.status}, ${check.findings.length} findings`);
  }
  const maxTokens = runCli(tree, ['--only', 'max-tokens'], scratch);
  console.log(line('max-tokens alone', maxTokens));
  const hasRipgrep = onPath('rg');
  const ripgrepPatterns = ['-e', `${KEY_PREFIX}[0-9a-f]{64}`, '-e', '(?i)http://([a-z0-9-]+\\.)*openrouter\\.ai'];
  const scans = [];
  const ripgreps = [];
  for (let run = 0; run < SCAN_RUNS; run++) {
    scans.push(runCli(tree, ['--only', 'hardcoded-key,https-only'], scratch));
    // --text: binaries are searched whole, as the key and URL search does since issue 16 (by default ripgrep stops at a NUL).
    if (hasRipgrep) ripgreps.push(measure('rg', ['--no-ignore', '--hidden', '--text', '--count-matches', '--no-messages', ...ripgrepPatterns, tree], scratch));
  }
  const scanOnly = median(scans);
  console.log(line(`key and URL scan (--only hardcoded-key,https-only; median of ${SCAN_RUNS})`, scanOnly));
  // Each language's max-tokens pass over its own files only (scan.include), so their throughputs compare.
  for (const { label, kinds, include } of LANGUAGE_PASSES) {
    const config = join(scratch, `${kinds.join('-')}.yml`);
    writeFileSync(config, `scan:\n  include: ${JSON.stringify(include)}\n`);
    const pass = runCli(tree, ['--only', 'max-tokens', '--config', config], scratch);
    const ofKinds = files.filter((file) => kinds.includes(file.kind));
    const passBytes = ofKinds.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
    const parsedNote = `${ofKinds.length} files, ${fixed(mb(passBytes))} MB`;
    console.log(`max-tokens on ${label} only (${parsedNote}): ${fixed(pass.seconds, 2)} s wall, ${fixed(pass.cpuSeconds, 2)} s cpu, ${fixed(mb(passBytes) / pass.seconds)} MB/s, ${fixed(ofKinds.length / pass.seconds, 0)} files/s, peak RSS ${fixed(pass.rssMb, 0)} MB`);
  }

  let scanRatio = NaN;
  if (hasRipgrep) {
    const rg = median(ripgreps);
    scanRatio = scanOnly.seconds / rg.seconds;
    console.log(`ripgrep, same key and URL patterns (median of ${SCAN_RUNS}, alternating with the scan): ${fixed(rg.seconds, 2)} s wall, ${fixed(rg.cpuSeconds, 2)} s cpu, ${fixed(mb(bytes) / rg.seconds)} MB/s`);
    console.log(`  scan runs ${scans.map((run) => fixed(run.seconds, 2)).join(' ')} s; ripgrep runs ${ripgreps.map((run) => fixed(run.seconds, 2)).join(' ')} s`);
    console.log(`  key and URL scan = ${fixed(scanRatio)}x ripgrep (${verdict(scanRatio <= TARGETS.scanRatio)}: <= ${TARGETS.scanRatio}x); full audit = ${fixed(full.seconds / rg.seconds)}x ripgrep`);
  } else {
    console.log('ripgrep: not on PATH, comparison skipped');
  }
  const version = versionMilliseconds(scratch);
  console.log(`openrouter-check --version: ${fixed(version, 0)} ms (median of ${VERSION_RUNS})`);

  const fullMbPerSecond = mb(bytes) / full.seconds;
  const peakRss = Math.max(full.rssMb, maxTokens.rssMb, ...scans.map((run) => run.rssMb));
  console.log('\ntargets:');
  console.log(`  key and URL scan vs ripgrep: ${fixed(scanRatio)}x ${Number.isFinite(scanRatio) ? verdict(scanRatio <= TARGETS.scanRatio) : '(no ripgrep)'} (<= ${TARGETS.scanRatio}x)`);
  console.log(`  full static audit: ${fixed(fullMbPerSecond)} MB/s ${verdict(fullMbPerSecond >= TARGETS.fullMbPerSecond)} (>= ${TARGETS.fullMbPerSecond} MB/s)`);
  console.log(`  peak RSS: ${fixed(peakRss, 0)} MB ${verdict(peakRss < TARGETS.peakRssMb)} (< ${TARGETS.peakRssMb} MB)`);
  console.log(`  --version: ${fixed(version, 0)} ms ${verdict(version < TARGETS.versionMs)} (< ${TARGETS.versionMs} ms)`);

  const located = (check, finding) => `${check} ${finding.file}:${finding.line}:${finding.column}`;
  const reported = new Set(full.report.checks.flatMap((check) => check.findings.map((finding) => located(check.id, finding))));
  const plantedAt = new Set(planted.map((p) => located(p.check, p)));
  const missing = [...plantedAt].filter((location) => !reported.has(location));
  const invented = [...reported].filter((location) => PRECISE_CHECKS.includes(location.split(' ')[0]) && !plantedAt.has(location));
  let status = 0;
  if (missing.length > 0) {
    console.error(`\nbench: ${missing.length} of ${planted.length} planted findings were not reported:\n  ${missing.join('\n  ')}`);
    status = 1;
  }
  if (invented.length > 0) {
    console.error(`\nbench: ${invented.length} findings of ${PRECISE_CHECKS.join(', ')} at places nothing was planted:\n  ${invented.slice(0, 10).join('\n  ')}`);
    status = 1;
  }
  if (status === 0) console.log(`\nall ${planted.length} planted findings reported, none elsewhere by ${PRECISE_CHECKS.join(', ')}`);
  return status;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
}
