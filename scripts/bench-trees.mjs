// The bench's other trees (see bench.mjs): a committed copy of this project's own dependencies, a tree of
// large bundles analysed as code, and a small project that calls OpenRouter. Each plants what must be found
// and returns it as { check, file, line, column }. Keys are made at run time and exist only in the temp tree.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Built from parts so this script never holds a key-shaped string or a plain-http OpenRouter URL itself. */
export const KEY_PREFIX = 'sk-or' + '-v1-';
const PLAIN_OPENROUTER = 'http' + '://' + 'openrouter.ai';

function git(root, args) {
  const run = spawnSync('git', args, { cwd: root, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
  if (run.error || run.status !== 0) throw new Error(`git ${args[0]} failed in ${root}: ${run.error?.message ?? run.stderr.toString()}`);
  return run.stdout;
}

/** Makes `root` a git repository with every file in it committed (ignore files inside it do not apply: -f). */
export function commitTree(root) {
  git(root, ['init', '-q']);
  git(root, ['add', '-A', '-f', '.']);
  git(root, [
    '-c',
    'gc.auto=0',
    '-c',
    'maintenance.auto=false',
    '-c',
    'user.name=bench',
    '-c',
    'user.email=bench@example.invalid',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '-q',
    '--no-verify',
    '-m',
    'bench tree',
  ]);
}

/** The files git tracks, as sorted relative paths. */
export function trackedFiles(root) {
  return git(root, ['ls-files', '-z']).toString('utf8').split('\0').filter(Boolean).sort();
}

/** ripgrep's arguments that make it read every file of the tree except .git: what git tracks, when commitTree made it. */
export const RIPGREP_EVERY_FILE = ['--no-ignore', '--hidden', '--text', '--glob', '!.git'];

/**
 * Whether ripgrep, run in `root` with RIPGREP_EVERY_FILE, reads exactly the files git tracks: the comparison
 * only means something if both read the same list. Returns undefined when it does, else what differs.
 */
export function ripgrepReadsTrackedFiles(root) {
  const run = spawnSync('rg', ['--files', ...RIPGREP_EVERY_FILE.filter((flag) => flag !== '--text')], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) return `ripgrep could not list the files: ${run.error.message}`;
  const ripgrep = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^\.\//, '').split(sep).join('/'))
    .sort();
  const tracked = trackedFiles(root);
  if (ripgrep.length === tracked.length && ripgrep.every((path, index) => path === tracked[index])) return undefined;
  const onlyGit = tracked.filter((path) => !ripgrep.includes(path)).slice(0, 3);
  const onlyRipgrep = ripgrep.filter((path) => !tracked.includes(path)).slice(0, 3);
  return `git tracks ${tracked.length} files, ripgrep lists ${ripgrep.length} (only git: ${onlyGit.join(', ') || '-'}; only ripgrep: ${onlyRipgrep.join(', ') || '-'})`;
}

function bytesUnder(root) {
  let bytes = 0;
  let files = 0;
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') visit(path);
      } else if (entry.isFile()) {
        files++;
        bytes += readFileSync(path).length;
      }
    }
  };
  visit(root);
  return { bytes, files };
}

/** Lines in a file, counted as the reports count them (1 + newlines). */
function lineCount(path) {
  const bytes = readFileSync(path);
  let lines = 1;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] === 0x0a ? lines - 1 : lines;
}

/**
 * `copies` copies of this project's node_modules (symlinks and nested repositories left out), committed to git,
 * with keys appended to a JavaScript file, a binary and a JSON file deep inside, and a plain-http URL in a README.
 */
export function dependencyTree(root, repo, copies, key) {
  const source = join(repo, 'node_modules');
  if (!existsSync(source)) throw new Error(`${source} is missing: run npm ci first`);
  for (let copy = 0; copy < copies; copy++) {
    cpSync(source, join(root, `vendor-${copy}`, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
      // Symlinks (.bin) are never read by either tool; a nested .git would make git see a submodule.
      filter: (path) => !path.split(sep).includes('.git') && !isSymlink(path),
    });
  }
  const planted = [];
  const files = walkFiles(root);
  const pick = (test) => files.find((path) => test(path) && !path.includes('/.bin/'));
  const appendLine = (path, text, needle) => {
    const absolute = join(root, path);
    const before = readFileSync(absolute);
    const separator = before.length > 0 && before[before.length - 1] !== 0x0a ? '\n' : '';
    appendFileSync(absolute, `${separator}${text}\n`);
    planted.push({ check: needle === KEY_PREFIX ? 'hardcoded-key' : 'https-only', file: path, line: lineCount(absolute), column: text.indexOf(needle) + 1 });
  };
  const last = `vendor-${copies - 1}/node_modules/`;
  appendLine(
    pick((path) => path.startsWith(last) && path.endsWith('.js') && path.includes('/lib/')),
    `var leaked = "${key()}";`,
    KEY_PREFIX,
  );
  appendLine(
    pick((path) => path.startsWith(last) && (path.endsWith('.wasm') || path.endsWith('.node') || path.endsWith('.dll'))),
    key(),
    KEY_PREFIX,
  );
  appendLine(
    pick((path) => path.startsWith('vendor-0/') && path.endsWith('package.json')),
    `  "x-openrouter-key": "${key()}",`,
    KEY_PREFIX,
  );
  appendLine(
    pick((path) => path.startsWith('vendor-0/') && path.endsWith('README.md')),
    `Try it: curl ${PLAIN_OPENROUTER}/api/v1/models`,
    'http',
  );
  commitTree(root);
  return { planted, ...bytesUnder(root) };
}

function isSymlink(path) {
  return lstatSync(path).isSymbolicLink();
}

function walkFiles(root) {
  const found = [];
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  visit(root);
  return found.sort();
}

/** The start of a minified app bundle that calls OpenRouter: every request check's prefilter passes it. */
function bundleHead() {
  return (
    `var c=new OpenAI({baseURL:"https://openrouter.ai/api/v1",apiKey:process.env.OPENROUTER_API_KEY,timeout:3e4,maxRetries:2,defaultHeaders:{"HTTP-Referer":"https://app.example.com","X-Title":"App"}});` +
    `function s(t){return c.chat.completions.create({model:"openai/gpt-4o-mini",messages:[{role:"user",content:t}],max_tokens:256})}`
  );
}

/** Minified code of the rest of the bundle (the parser's work), with names made unique by `index`. */
function bundleFiller(index) {
  return (
    `function f${index}(e,t){for(var n=0,r=e.length;n<r;n++)t(e[n],n);return{items:e.map(function(o){return{id:o.id,label:String(o.label||"")}}),total:r}}` +
    `var v${index}=fetch("https://api.example.com/items/${index}").then(function(e){return e.ok?e.json():Promise.reject(e.status)});`
  );
}

/**
 * Large bundles in folders not named dist or build (as in many monorepos), so they are in the code checks'
 * scope and pass their prefilters: `count` of `size` bytes, and `huge` ones of `hugeSize` that only the key
 * search reads. An uncapped call in one bundle must be found by parsing it; a key at the end of each huge one
 * by searching it. The repository raises scan.max_file_size, as one may: memory must stay bounded anyway.
 */
export function bundleTree(root, { count, size, huge, hugeSize }, key) {
  const planted = [];
  const write = (path, content) => {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  };
  for (let index = 0; index < count; index++) {
    const path = `apps/app-${index}/out/assets/main.js`;
    const parts = [bundleHead()];
    let length = parts[0].length;
    if (index === Math.floor(count / 2)) {
      const call = `function u(m){return c.chat.completions.create({model:"openai/gpt-4o-mini",messages:m})}`;
      planted.push({ check: 'max-tokens', file: path, line: 1, column: length + 'function u(m){return '.length + 1 });
      parts.push(call);
      length += call.length;
    }
    for (let chunk = 0; length < size; chunk++) {
      const part = bundleFiller(chunk);
      parts.push(part);
      length += part.length;
    }
    write(path, `${parts.join('')}\n`);
  }
  const block = bundleFiller('h').repeat(Math.ceil((1024 * 1024) / bundleFiller('h').length));
  for (let index = 0; index < huge; index++) {
    const path = `apps/huge-${index}/out/vendor.js`;
    const body = bundleHead() + block.repeat(Math.ceil(hugeSize / block.length));
    const line = `var k="${key()}";`;
    write(path, `${body}\n${line}\n`);
    planted.push({ check: 'hardcoded-key', file: path, line: 2, column: line.indexOf(KEY_PREFIX) + 1 });
  }
  write('.openrouter-check.yml', `scan:\n  max_file_size: 1 GiB\n`);
  commitTree(root);
  return { planted, ...bytesUnder(root) };
}

/** A pre-commit-sized project: `count` TypeScript files that each build a client and make a capped request. */
export function smallProject(root, count) {
  for (let index = 1; index <= count; index++) {
    write(
      root,
      `src/ask-${index}.ts`,
      [
        `import OpenAI from 'openai';`,
        ``,
        `const client = new OpenAI({ baseURL: 'https://openrouter.ai/api/v1', apiKey: process.env.OPENROUTER_API_KEY, timeout: 30_000, maxRetries: 2 });`,
        ``,
        `export async function ask${index}(text: string): Promise<string> {`,
        `  const completion = await client.chat.completions.create({`,
        `    model: 'openai/gpt-4o-mini',`,
        `    messages: [{ role: 'user', content: text }],`,
        `    max_tokens: 256,`,
        `  });`,
        `  return completion.choices[0]?.message.content ?? '';`,
        `}`,
        ``,
      ].join('\n'),
    );
  }
  // One request without a cap: the run must still find it.
  const uncapped = `  return client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages });`;
  const path = `src/ask-${count}.ts`;
  appendFileSync(join(root, path), `export async function uncapped(messages: []) {\n${uncapped}\n}\n`);
  commitTree(root);
  return { planted: [{ check: 'max-tokens', file: path, line: lineCount(join(root, path)) - 1, column: uncapped.indexOf('client') + 1 }], ...bytesUnder(root) };
}

function write(root, path, content) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
