import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { action, actionStep, inputEnv, runActionScript } from './support/action.js';
import { runProcess } from './support/process.js';
import { PLAIN } from './support/plain-http.js';
import { makeTree } from './support/tree.js';

const REPO = new URL('..', import.meta.url).pathname;
const { version: VERSION } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const INSTALLED_BIN = 'node_modules/openrouter-check/bin/openrouter-check.js';
/** The folder the action installs into: `$RUNNER_TEMP/openrouter-check.` and eight random characters. */
const toolFolderIn = (runnerTemp: string): RegExp => new RegExp(`^${runnerTemp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/openrouter-check\\.[A-Za-z0-9]{8}$`);

describe('action.yml: the step', () => {
  it('is a composite action whose every input reaches the script through the environment', () => {
    expect(action.runs.using).toBe('composite');
    expect(actionStep.shell).toBe('bash');
    const used = Object.values(actionStep.env).map((expression) => /inputs\.([\w-]+)/.exec(expression)![1]);
    expect(used.sort()).toEqual(Object.keys(action.inputs).sort());
    expect(actionStep.run).not.toMatch(/\$\{\{/);
  });

  it("never runs npx or npm exec, which would read the checkout's .npmrc", () => {
    const commands = actionStep.run.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(commands.join('\n')).not.toMatch(/\bnpx\b|npm exec/);
  });
});

/**
 * The script with `npm` and `node` replaced by stubs: npm records where and how it ran (and creates
 * nothing), node prints its arguments. Fast, so every input combination gets a case.
 */
async function runWithStubs(inputs: Record<string, string>, options: { npmStatus?: number; env?: Record<string, string> } = {}) {
  const stubs = makeTree({
    npm: `#!/bin/sh
{
  printf 'cwd=%s\\n' "$PWD"
  printf 'NPM_CONFIG_USERCONFIG=%s (%s bytes)\\n' "$NPM_CONFIG_USERCONFIG" "$(wc -c < "$NPM_CONFIG_USERCONFIG")"
  printf 'NPM_CONFIG_GLOBALCONFIG=%s (%s bytes)\\n' "$NPM_CONFIG_GLOBALCONFIG" "$(wc -c < "$NPM_CONFIG_GLOBALCONFIG")"
  printf 'npm_config_userconfig=%s\\n' "\${npm_config_userconfig-unset}"
  printf 'npm_config_globalconfig=%s\\n' "\${npm_config_globalconfig-unset}"
  for arg in "$@"; do printf '%s\\n' "$arg"; done
} > "$(dirname "$0")/npm.log"
exit ${options.npmStatus ?? 0}
`,
    node: '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n',
  });
  chmodSync(join(stubs, 'npm'), 0o755);
  chmodSync(join(stubs, 'node'), 0o755);
  const runnerTemp = makeTree({});
  const workspace = makeTree({});
  const run = await runActionScript({
    cwd: workspace,
    env: { PATH: `${stubs}:${process.env.PATH ?? ''}`, RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace, ...options.env, ...inputEnv(inputs) },
  });
  const npmLog = existsSync(join(stubs, 'npm.log')) ? readFileSync(join(stubs, 'npm.log'), 'utf8').split('\n').filter(Boolean) : undefined;
  return { ...run, npmLog, nodeArgs: run.stdout.split('\n').filter(Boolean), runnerTemp, workspace };
}

describe('action.yml: the command it runs', () => {
  const cases: Array<{ name: string; inputs: Record<string, string>; args: string[] }> = [
    { name: 'defaults', inputs: {}, args: ['.', '--format', 'text', '--fail-on', 'error'] },
    {
      name: 'report files and a stricter gate',
      inputs: { path: 'services/api', 'fail-on': 'warn', 'sarif-file': 'out/o.sarif', 'junit-file': 'out/o.xml' },
      args: ['services/api', '--format', 'text', '--fail-on', 'warn', '--report', 'sarif=out/o.sarif', '--report', 'junit=out/o.xml'],
    },
    { name: 'remote: required', inputs: { remote: 'required' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--require-remote'] },
    { name: 'remote: offline', inputs: { remote: 'offline' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--offline'] },
    { name: 'remote: no-spend', inputs: { remote: 'no-spend' }, args: ['.', '--format', 'text', '--fail-on', 'error', '--no-spend'] },
    {
      name: 'extra args, split on spaces',
      inputs: { args: '--skip https-only  --config ci/o.yml' },
      args: ['.', '--format', 'text', '--fail-on', 'error', '--skip', 'https-only', '--config', 'ci/o.yml'],
    },
    {
      name: 'an input with shell syntax stays one argument',
      inputs: { path: '"; touch pwned; echo "' },
      args: ['"; touch pwned; echo "', '--format', 'text', '--fail-on', 'error'],
    },
  ];
  it.each(cases)('$name: node runs the installed bin with these arguments', async ({ inputs, args }) => {
    const run = await runWithStubs(inputs);
    expect(run.status).toBe(0);
    const [bin, ...rest] = run.nodeArgs;
    expect(bin!.slice(0, -INSTALLED_BIN.length - 1)).toMatch(toolFolderIn(run.runnerTemp));
    expect(bin!.endsWith(`/${INSTALLED_BIN}`)).toBe(true);
    expect(rest).toEqual(args);
    expect(readdirSync(run.workspace)).toEqual([]);
  });

  it('npm installs into a fresh folder in $RUNNER_TEMP, from there, with empty configs and no scripts', async () => {
    const run = await runWithStubs({}, { env: { npm_config_userconfig: '/home/runner/.npmrc', npm_config_globalconfig: '/etc/npmrc' } });
    expect(run.status).toBe(0);
    const tool = run.npmLog![0]!.slice('cwd='.length);
    expect(tool).toMatch(toolFolderIn(run.runnerTemp));
    expect(run.npmLog).toEqual([
      `cwd=${tool}`,
      `NPM_CONFIG_USERCONFIG=${tool}/user-npmrc (0 bytes)`,
      `NPM_CONFIG_GLOBALCONFIG=${tool}/global-npmrc (0 bytes)`,
      'npm_config_userconfig=unset',
      'npm_config_globalconfig=unset',
      'install',
      '--prefix',
      tool,
      '--ignore-scripts',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      'openrouter-check@latest',
    ]);
    expect(run.nodeArgs[0]).toBe(`${tool}/${INSTALLED_BIN}`);
    // The folder goes when the step ends; the workspace never held anything of it.
    expect(readdirSync(run.runnerTemp)).toEqual([]);
    expect(readdirSync(run.workspace)).toEqual([]);
  });

  const packages: Array<{ name: string; inputs: Record<string, string>; spec: (workspace: string) => string }> = [
    { name: 'version', inputs: { version: '0.1.0' }, spec: () => 'openrouter-check@0.1.0' },
    { name: 'package: an npm spec', inputs: { package: '@acme/openrouter-check@2' }, spec: () => '@acme/openrouter-check@2' },
    { name: 'package: an absolute tarball path', inputs: { package: '/tmp/openrouter-check-0.1.0.tgz' }, spec: () => '/tmp/openrouter-check-0.1.0.tgz' },
    {
      name: 'package: a tarball in the workspace',
      inputs: { package: './dist/openrouter-check-0.1.0.tgz' },
      spec: (workspace) => `${workspace}/./dist/openrouter-check-0.1.0.tgz`,
    },
  ];
  it.each(packages)('$name: npm installs what it names', async ({ inputs, spec }) => {
    const run = await runWithStubs(inputs);
    expect(run.status).toBe(0);
    expect(run.npmLog!.at(-1)).toBe(spec(run.workspace));
  });

  it('a failed install is a usage error with an annotation, and nothing runs', async () => {
    const run = await runWithStubs({ version: '9.9.9' }, { npmStatus: 1 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('::error title=openrouter-check::could not install openrouter-check@9.9.9 with npm\n');
    expect(readdirSync(run.runnerTemp)).toEqual([]);
  });

  it('refuses an unknown remote mode with an annotation and exit 2, before installing', async () => {
    const run = await runWithStubs({ remote: 'sometimes' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('::error title=openrouter-check::remote must be auto, required, offline or no-spend (got "sometimes")\n');
    expect(run.npmLog).toBeUndefined();
  });
});

/** A registry that answers 404 to everything and remembers what it was asked. */
async function startRecordingRegistry(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

/**
 * A pull request's checkout that tries to take over npm and Node: its .npmrc points npm at the
 * attacker's registry, preloads evil.cjs into every Node that npm starts, runs npm's scripts through
 * evil.sh, and moves the user config into the checkout. Each of those leaves a marker file when it
 * runs. The app itself has one plain-http call and one uncapped completion, so the audit has findings.
 */
function hostileCheckout(registry: string): string {
  const npmrc = `registry=${registry}\nnode-options=--require ./evil.cjs\nscript-shell=./evil.sh\nuserconfig=./evil-npmrc\n`;
  const checkout = makeTree({
    '.npmrc': npmrc,
    'evil-npmrc': npmrc,
    'evil.cjs': "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'marker-node-options'), 'preloaded');\n",
    'evil.sh': '#!/bin/sh\necho ran > "$(dirname "$0")/marker-script-shell"\nexec /bin/sh "$@"\n',
    'package.json': '{ "name": "hostile-app", "private": true }\n',
    'src/chat.ts':
      'export async function ask(prompt: string) {\n' +
      `  return fetch("${PLAIN}openrouter.ai/api/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 200, messages: [{ role: "user", content: prompt }] }) });\n` +
      '}\n',
    'app/chat.py':
      'from openai import OpenAI\n\nclient = OpenAI(base_url="https://openrouter.ai/api/v1")\n\n\n' +
      'def ask(prompt):\n' +
      '    return client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": prompt}])\n',
  });
  chmodSync(join(checkout, 'evil.sh'), 0o755);
  return checkout;
}

const markersIn = (checkout: string): string[] => readdirSync(checkout).filter((name) => name.startsWith('marker-'));

/** The environment of a runner: no npm variables of its own, the home folder (npm's cache) and PATH. */
function runnerEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
}

/** The runner's way out to the npm registry, if it needs one: proxies and CA certificates, as a workflow would set them. */
function networkEnv(): Record<string, string> {
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'npm_config_cafile'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

interface JsonReport {
  tool: { version: string };
  checks: Array<{ id: string; status: string; findings: Array<{ file?: string; line?: number; column?: number }> }>;
}

describe('action.yml: a hostile .npmrc in the checkout', () => {
  let packDir: string;
  let tarball: string;
  let registry: Awaited<ReturnType<typeof startRecordingRegistry>>;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` before the end-to-end tests');
    packDir = mkdtempSync(join(tmpdir(), 'orc-action-pack-'));
    // --ignore-scripts: `prepare` would rebuild dist/ under the other tests running the CLI from it.
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
        cwd: REPO,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Array<{ filename: string }>;
    tarball = join(packDir, packed!.filename);
    registry = await startRecordingRegistry();
  });

  afterAll(async () => {
    rmSync(packDir, { recursive: true, force: true });
    await new Promise((resolve) => registry.server.close(resolve));
  });

  it("control: npm and npx in the checkout obey it, so the old `npx openrouter-check` would run the attacker's code", async () => {
    const checkout = hostileCheckout(registry.url);
    const env = runnerEnv();

    const configured = await runProcess('npm', ['config', 'get', 'registry'], { cwd: checkout, env });
    expect(configured.stdout.trim()).toBe(registry.url);

    // The package that runs comes from the attacker's registry…
    registry.requests.length = 0;
    const fetched = await runProcess('npx', ['--yes', '--prefer-online', `openrouter-check@${VERSION}`, '--version'], { cwd: checkout, env });
    expect(fetched.status).not.toBe(0);
    expect(registry.requests).toContain('GET /openrouter-check');

    // …and whatever npx starts runs through evil.sh with evil.cjs preloaded.
    const started = await runProcess('npx', ['--yes', '--', 'node', '-e', ''], { cwd: checkout, env });
    expect(started.status).toBe(0);
    expect(markersIn(checkout).sort()).toEqual(['marker-node-options', 'marker-script-shell']);
  });

  it('the action installs the packed tarball outside the checkout and audits it; nothing of the .npmrc takes effect', async () => {
    const checkout = hostileCheckout(registry.url);
    const filesBefore = readdirSync(checkout).sort();
    const runnerTemp = makeTree({});
    registry.requests.length = 0;

    const run = await runActionScript({
      cwd: checkout,
      env: {
        ...runnerEnv(),
        ...networkEnv(),
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: checkout,
        RUNNER_TEMP: runnerTemp,
        GITHUB_STEP_SUMMARY: join(runnerTemp, 'step-summary.md'),
        // The workflow's own npm settings still apply: here, use the packages already in the cache.
        npm_config_prefer_offline: 'true',
        ...inputEnv({ format: 'json', package: tarball }),
      },
      timeoutMs: 240_000,
    });

    // What the checkout tried first: not one request to its registry, not one marker, no file added.
    expect(registry.requests).toEqual([]);
    expect(markersIn(checkout)).toEqual([]);
    // npm wrote nothing into the checkout (no node_modules, no lock file), and cleaned up after itself.
    expect(readdirSync(checkout).sort()).toEqual(filesBefore);
    expect(readdirSync(runnerTemp)).toEqual(['step-summary.md']);

    // Then the audit itself: the packed version ran, on the checkout, with its findings at their places.
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.tool.version).toBe(VERSION);
    const failed = report.checks
      .filter((check) => check.status === 'fail')
      .map((check) => [check.id, check.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}`)]);
    expect(failed).toEqual([
      ['https-only', ['src/chat.ts:2:17']],
      ['max-tokens', ['app/chat.py:7:12']],
    ]);
  }, 300_000);
});

describe('CI examples (README In CI, docs/ci.md): each runs the tool outside the checkout too', () => {
  /** The fenced code blocks of a Markdown text, in order. */
  const codeBlocksOf = (markdown: string): { lang: string; text: string }[] =>
    [...markdown.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1]!, text: match[2]! }));
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const inCi = readme.slice(readme.indexOf('\n## In CI\n'), readme.indexOf('\n## ', readme.indexOf('\n## In CI\n') + 1));
  const readmeExamples = codeBlocksOf(inCi);
  const ciPageExamples = codeBlocksOf(readFileSync(join(REPO, 'docs/ci.md'), 'utf8'));
  const examples = [...readmeExamples, ...ciPageExamples];
  const commandsOf = (text: string): string =>
    text
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');

  it("finds the README's examples: GitHub Actions with the action, GitLab CI, Jenkins, pre-commit", () => {
    expect(readmeExamples.map((example) => example.lang)).toEqual(['yaml', 'yaml', 'groovy', 'yaml']);
  });

  it("finds docs/ci.md's examples: pull requests, GitHub Actions with and without the action, GitLab CI, Jenkins, pre-commit", () => {
    expect(ciPageExamples.map((example) => example.lang)).toEqual(['yaml', 'yaml', 'yaml', 'yaml', 'groovy', 'yaml']);
  });

  it('each README example is on docs/ci.md word for word, so the two cannot drift apart', () => {
    for (const example of readmeExamples) expect(ciPageExamples.map(({ text }) => text)).toContain(example.text);
  });

  it('each YAML example parses', () => {
    for (const example of examples.filter(({ lang }) => lang === 'yaml')) expect(() => parse(example.text)).not.toThrow();
  });

  it('none runs npx or npm exec', () => {
    for (const example of examples) expect(commandsOf(example.text)).not.toMatch(/\bnpx\b|npm exec/);
  });

  it('each one that installs with npm does it as the action does: from a temporary folder, empty configs, no scripts, node on the bin', () => {
    expect(readmeExamples.filter(({ text }) => /npm install/.test(text))).toHaveLength(2);
    const installing = ciPageExamples.filter(({ text }) => /npm install/.test(text));
    expect(installing).toHaveLength(3);
    for (const { text } of [...readmeExamples, ...installing].filter(({ text }) => /npm install/.test(text))) {
      const commands = commandsOf(text);
      expect(commands).toMatch(/tool="\$\(mktemp -d[^)]*\)"/);
      expect(commands).toContain('touch "$tool/user-npmrc" "$tool/global-npmrc"');
      expect(commands).toContain('(cd "$tool" && NPM_CONFIG_USERCONFIG="$tool/user-npmrc" NPM_CONFIG_GLOBALCONFIG="$tool/global-npmrc"');
      expect(commands).toContain('npm install --prefix "$tool" --ignore-scripts --no-save --no-audit --no-fund openrouter-check@');
      expect(commands).toContain('node "$tool/node_modules/openrouter-check/bin/openrouter-check.js" .');
    }
  });
});
