import { constants as fsConstants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type * as Yaml from 'yaml';
import type { Alias, Document, Node, Scalar } from 'yaml';
import { SEVERITY_SETTINGS } from '../checks/types.js';
import type { Check, CheckOptionSchema, CheckOptionValues, SeveritySetting } from '../checks/types.js';
import { baseUrlProblem, DEFAULT_BASE_URL, normalizeBaseUrl } from './base-url.js';
import {
  KEY_GUARD_CHECKS,
  keyEnvProblem,
  keyGuardRefusal,
  MAX_RETRIES,
  operatorSettingRefusal,
  REPOSITORY_RETRIES,
  REPOSITORY_TIMEOUT_MS,
} from './operator-settings.js';
import type { OperatorSettingPath } from './operator-settings.js';
import { maskSecretsIn } from '../workspace/secrets.js';
import { closestMatch } from '../engine/suggest.js';

/** Model ids the app depends on. */
export interface ModelsConfig {
  primary?: string;
  fallbacks: string[];
  required: string[];
}

export interface ScanConfig {
  /** gitignore-style patterns; when non-empty, only matching files are audited. */
  include: string[];
  /** gitignore-style patterns added to the default excludes. */
  exclude: string[];
  /** Bytes; larger files are skipped and named in the report. */
  maxFileSize: number;
}

export interface ApiConfig {
  /** https (or http to a loopback address), without a trailing slash. */
  baseUrl: string;
  /** Name of the environment variable holding the API key. */
  keyEnv: string;
  timeoutMs: number;
  retries: number;
}

export interface CheckSetting {
  severity: SeveritySetting;
  options: CheckOptionValues;
}

/**
 * Who wrote the config file: the audited repository (its own `.openrouter-check.yml`, or a `--config`
 * file inside the audited folder), or the operator (a `--config` file outside it). Only an operator's
 * file may choose where the key goes, which variable is read, or larger time and retry budgets.
 */
export type ConfigKind = 'repository' | 'operator';

export interface Config {
  /** Absolute path of the config file that was read, if any. */
  configFile?: string;
  /** Set with `configFile`. */
  configKind?: ConfigKind;
  /** One entry per known check, defaults filled. */
  checks: Record<string, CheckSetting>;
  scan: ScanConfig;
  models: ModelsConfig;
  api: ApiConfig;
  /** Module specifiers of third-party checks. */
  plugins: string[];
}

export interface LoadConfigInput {
  /** Absolute path of the audited root; `.openrouter-check.yml` is looked up there. */
  root: string;
  /** `--config`: a path relative to the working directory. */
  configPath?: string;
  /** The known checks, to validate ids and options. */
  checks: readonly Check[];
  /**
   * Loads the checks the file's `plugins:` name, before `checks:` is validated (so plugin ids and
   * options are known). Given only when the operator allows plugins: without it, `plugins:` is
   * validated but nothing of it is imported, and `checks:` entries for unknown ids are set aside
   * (a plugin that did not load could have defined them).
   */
  loadPlugins?: PluginLoader;
}

/** What the file names that this run did not load, because plugins were not allowed. */
export interface PluginsNotLoaded {
  /** The `plugins:` entries, as written. */
  plugins: string[];
  /** `checks:` ids no known check has, ignored rather than refused: a listed plugin could define them. */
  checkIds: string[];
}

/** A `plugins:` entry as written, with where it is written (for error lines). */
export interface PluginSpecifier {
  specifier: string;
  offset: number | undefined;
}

export type PluginLoader = (
  plugins: readonly PluginSpecifier[],
  configDirectory: string,
  knownIds: ReadonlySet<string>,
) => Promise<{ ok: true; checks: Check[] } | { ok: false; message: string; offset: number | undefined }>;

/**
 * On success, `checks` is every check of the run: the known ones, then the plugins' in the order
 * listed; `notLoaded` is set when the file lists plugins and no loader was given.
 */
export type ConfigOutcome = { ok: true; config: Config; checks: readonly Check[]; notLoaded?: PluginsNotLoaded } | { ok: false; error: string };

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

let yamlModule: typeof Yaml | undefined;

/** The YAML parser, loaded when there is a config file to parse (it takes longer to load than a small audit takes to run); CommonJS, so `require`. */
function yaml(): typeof Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlModule;
}

/** Where the default config file is looked up in the audited root, in this order. */
export const CONFIG_FILE_NAMES = ['.openrouter-check.yml', '.openrouter-check.yaml'] as const;

/**
 * A config larger than this is not a config: refuse it before parsing. A real one is a few KiB; the YAML
 * parser takes seconds on a deliberately bad file of this size (measured: 1.3 s at 256 KiB, 3.3 s at 1 MiB).
 */
export const MAX_CONFIG_FILE_SIZE = 256 * 1024;

/** Deeper than any setting needs (four levels), and far below where the yaml parser's recursion overflows. */
const MAX_NESTING = 100;

const ROOT_WHAT = 'a mapping of settings such as "checks:"';

/** The yaml package's limit on alias expansion; beyond it a file is an "alias bomb". */
export const MAX_ALIAS_COUNT = 100;

export const DEFAULT_API_CONFIG: Readonly<ApiConfig> = {
  baseUrl: DEFAULT_BASE_URL,
  keyEnv: 'OPENROUTER_API_KEY',
  timeoutMs: 10_000,
  retries: 2,
};

/** The config used when there is no config file: every check at its default severity and options. */
export function defaultConfig(checks: readonly Check[]): Config {
  return toConfig({}, checks, undefined);
}

/**
 * Finds, parses and validates the config file. A mistake the user can make (missing file, bad YAML,
 * unknown key, wrong type, an operator setting in the repository's file) is an `{ ok: false }`
 * outcome with one line naming the file and line.
 */
export async function loadConfig(input: LoadConfigInput): Promise<ConfigOutcome> {
  const found = await findConfigFile(input);
  if (!found.ok) return found;
  if (!found.file) return { ok: true, config: defaultConfig(input.checks), checks: input.checks };
  const { file } = found;

  const text = await readConfigText(file);
  if (!text.ok) return text;

  const parsed = parseConfigYaml(text.value);
  if (!parsed.ok) return { ok: false, error: configError(file, parsed.problem, parsed.lineOf) };

  const plugins = pluginsIn(parsed.root);
  if (!plugins.ok) return { ok: false, error: configError(file, plugins.problem, parsed.lineOf) };
  let checks = input.checks;
  let notLoaded: PluginsNotLoaded | undefined;
  if (plugins.value.length > 0 && input.loadPlugins) {
    const loaded = await input.loadPlugins(plugins.value, dirname(file.absolutePath), new Set(checks.map((check) => check.id)));
    if (!loaded.ok) return { ok: false, error: configError(file, { message: loaded.message, offset: loaded.offset }, parsed.lineOf) };
    checks = [...checks, ...loaded.checks];
  } else if (plugins.value.length > 0) {
    notLoaded = { plugins: plugins.value.map((plugin) => plugin.specifier), checkIds: [] };
  }

  const settings = configRule(checks, file.kind, notLoaded?.checkIds)(parsed.root);
  if (!settings.ok) return { ok: false, error: configError(file, settings.problem, parsed.lineOf) };
  const config = toConfig(settings.value, checks, file.absolutePath);
  config.configKind = file.kind;
  return { ok: true, config, checks, ...(notLoaded ? { notLoaded } : {}) };
}

/** Just `plugins:`, read ahead of the rest (which cannot be validated before the plugins load). */
function pluginsIn(root: YamlValue): Checked<PluginSpecifier[]> {
  let plugins: PluginSpecifier[] = [];
  const failure = readEntries(root, ROOT_WHAT, ({ name, value }) => {
    if (name !== 'plugins') return undefined;
    const located: Rule<PluginSpecifier> = (item) => {
      const checked = moduleSpecifier(item);
      return checked.ok ? ok({ specifier: checked.value, offset: item.offset }) : checked;
    };
    const checked = listOf(located, 'a list of module names or paths')(value);
    if (!checked.ok) return checked;
    plugins = checked.value;
    return undefined;
  });
  return failure ?? ok(plugins);
}

// ───────────────────────────── finding and reading the file ─────────────────────────────

interface ConfigFile {
  absolutePath: string;
  /** How messages name the file: as given to --config, else relative to the working directory. */
  shownAs: string;
  kind: ConfigKind;
  /**
   * Whether the path may be a symbolic link: only when the operator names it with --config. The
   * repository's own file must be a regular file, or a link could make it read (and quote in an
   * error) a token file or /proc/self/environ.
   */
  mayBeLink: boolean;
}

type Failed = { ok: false; error: string };

async function findConfigFile(input: LoadConfigInput): Promise<{ ok: true; file?: ConfigFile } | Failed> {
  if (input.configPath !== undefined) {
    const absolutePath = resolve(process.cwd(), input.configPath);
    const shownAs = input.configPath;
    const found = await statOrCode(absolutePath);
    if (typeof found === 'string') {
      const message = isMissing(found) ? 'no such file (given by --config)' : cannotRead(found);
      return { ok: false, error: configError({ shownAs }, { message }) };
    }
    return { ok: true, file: { absolutePath, shownAs, kind: await kindOfNamedConfig(absolutePath, input.root), mayBeLink: true } };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const absolutePath = join(input.root, name);
    const found = await lstatOrCode(absolutePath);
    if (typeof found === 'string' && isMissing(found)) continue;
    const file: ConfigFile = { absolutePath, shownAs: relative(process.cwd(), absolutePath) || absolutePath, kind: 'repository', mayBeLink: false };
    if (typeof found === 'string') return { ok: false, error: configError(file, { message: cannotRead(found) }) };
    return { ok: true, file };
  }
  return { ok: true };
}

/**
 * A `--config` file is the operator's when it lies outside the audited folder both as named and once
 * links are resolved; else the audited repository wrote it (or can replace it with a link).
 */
async function kindOfNamedConfig(absolutePath: string, root: string): Promise<ConfigKind> {
  if (isInside(absolutePath, resolve(root))) return 'repository';
  try {
    const [realFile, realRoot] = await Promise.all([realpath(absolutePath), realpath(root)]);
    return isInside(realFile, realRoot) ? 'repository' : 'operator';
  } catch {
    return 'repository';
  }
}

function isInside(path: string, folder: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder === '' || (fromFolder !== '..' && !fromFolder.startsWith(`..${sep}`) && !isAbsolute(fromFolder));
}

/** Says nothing of where the link points, let alone what is there. */
const LINK_REFUSED =
  "expected a file, found a symbolic link: the audited repository's config must be a regular file in the audited folder (an operator's config can be named with --config)";

/** Why a config path's stats are not a file to read, or undefined. */
function notAConfigFile(stats: Stats): string | undefined {
  if (stats.isSymbolicLink()) return LINK_REFUSED;
  if (stats.isDirectory()) return 'expected a file, found a directory';
  if (!stats.isFile()) return 'expected a file, found a device, socket or pipe';
  return undefined;
}

/** Opened without following a final symbolic link (when not allowed) and without blocking on a pipe swapped in after the check. */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);
const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;

async function readConfigText(file: ConfigFile): Promise<{ ok: true; value: string } | Failed> {
  const fail = (message: string): Failed => ({ ok: false, error: configError(file, { message }) });
  // Checked before opening: opening a FIFO or a device can block or have effects.
  const stats = file.mayBeLink ? await statOrCode(file.absolutePath) : await lstatOrCode(file.absolutePath);
  if (typeof stats === 'string') return fail(cannotRead(stats));
  const refused = notAConfigFile(stats);
  if (refused) return fail(refused);
  if (stats.size > MAX_CONFIG_FILE_SIZE) return fail(tooLarge(stats.size));
  let bytes: Buffer;
  try {
    const handle = await open(file.absolutePath, OPEN_FLAGS | (file.mayBeLink ? 0 : NO_FOLLOW));
    try {
      // Checked again on what was opened: the path may have changed since.
      const opened = notAConfigFile(await handle.stat());
      if (opened) return fail(opened);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = errorCode(error);
    // O_NOFOLLOW on a link that replaced the file since lstat.
    return fail(code === 'ELOOP' && !file.mayBeLink ? LINK_REFUSED : cannotRead(code));
  }
  // The file may have grown since stat.
  if (bytes.length > MAX_CONFIG_FILE_SIZE) return fail(tooLarge(bytes.length));
  if (UTF16_BOMS.some((bom) => bytes.subarray(0, 2).equals(bom))) return fail('the file is UTF-16 text; save it as UTF-8');
  try {
    // `fatal` turns invalid UTF-8 into an error instead of silent U+FFFD; a BOM is dropped.
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const { offset, line, column } = firstInvalidUtf8(bytes);
    const byte = `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')}`;
    return { ok: false, error: configError(file, { message: `the file is not UTF-8 text (byte ${byte} at column ${column})`, offset }, () => line) };
  }
}

const UTF16_BOMS = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/** Where the first byte that is not UTF-8 is, in bytes that are not: its offset, line and column (in characters). */
function firstInvalidUtf8(bytes: Buffer): { offset: number; line: number; column: number } {
  // Lenient decoding marks each bad sequence with U+FFFD; a U+FFFD the file really holds is its own three bytes.
  const text = bytes.toString('utf8');
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at));
    from = at;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) break;
  }
  const before = text.slice(0, from);
  const lineStart = before.lastIndexOf('\n') + 1;
  // Editors do not show a UTF-8 byte-order mark as a character.
  const bom = lineStart === 0 && text.startsWith('\uFEFF') ? 1 : 0;
  return { offset, line: before.split('\n').length, column: from - lineStart + 1 - bom };
}

/** The file's stats, or the error code when it cannot be stat'ed. */
async function statOrCode(path: string): Promise<Stats | string> {
  try {
    return await stat(path);
  } catch (error) {
    return errorCode(error);
  }
}

/** Like statOrCode, about a symbolic link itself rather than what it points to. */
async function lstatOrCode(path: string): Promise<Stats | string> {
  try {
    return await lstat(path);
  } catch (error) {
    return errorCode(error);
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}

function isMissing(code: string): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function cannotRead(code: string): string {
  if (isMissing(code)) return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ELOOP') return 'cannot be read (a loop of symbolic links)';
  return `cannot be read (${code})`;
}

function tooLarge(bytes: number): string {
  const mebibytes = (bytes / (1024 * 1024)).toFixed(1);
  // "0.3 MiB is too large (at most 256 KiB)" would read oddly: show bytes below 1 MiB.
  const size = Number(mebibytes) >= 1 ? `${mebibytes} MiB` : `${bytes} bytes`;
  return `${size} is too large for a config file (at most ${MAX_CONFIG_FILE_SIZE / 1024} KiB)`;
}

// ───────────────────────────── parsing ─────────────────────────────

/** A mistake in the config and the offset of the text it is about, if any. */
interface Problem {
  message: string;
  offset?: number;
}

type LineOf = (offset: number) => number;

type Parsed = { ok: true; root: YamlValue; lineOf: LineOf } | { ok: false; problem: Problem; lineOf: LineOf };

function parseConfigYaml(text: string): Parsed {
  const lineCounter = new (yaml().LineCounter)();
  const lineOf: LineOf = (offset) => lineCounter.linePos(offset).line;
  const fail = (message: string, offset?: number): Parsed => ({ ok: false, problem: { message, offset }, lineOf });

  const tooDeep = offsetNestedBeyond(text, MAX_NESTING);
  if (tooDeep !== undefined) {
    // Checked before parsing, so the line counter has not seen the file: count lines here.
    const message = `the file nests deeper than any setting needs (over ${MAX_NESTING} levels)`;
    return { ok: false, problem: { message, offset: tooDeep }, lineOf: (offset) => text.slice(0, offset).split('\n').length };
  }

  // YAML 1.2 core schema whatever the file's %YAML directive says, so `off` and `no` stay strings.
  // Duplicate keys are found by the validator, which can name them.
  const document = yaml().parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: false,
  });

  const syntaxError = document.errors[0];
  if (syntaxError) {
    if (syntaxError.code === 'MULTIPLE_DOCS') {
      return fail('invalid YAML: the file holds more than one YAML document (a second "---"); keep one', syntaxError.pos[0]);
    }
    // The parser notices a missing quote where the file ends; the user needs where the string starts.
    const unclosed = syntaxError.code === 'MISSING_CHAR' ? quotedScalarEndingAt(document, syntaxError.pos[0]) : undefined;
    if (unclosed) {
      const quote = unclosed.type === 'QUOTE_SINGLE' ? "'" : '"';
      return fail(`invalid YAML: a quoted string starting on this line has no closing ${quote}`, offsetOf(unclosed));
    }
    return fail(`invalid YAML: ${syntaxError.message}`, syntaxError.pos[0]);
  }
  const { contents } = document;
  if (contents === null || (yaml().isScalar(contents) && contents.value === null && !contents.source)) {
    return fail('the file is empty; expected settings such as "checks:"');
  }

  const aliases = resolveAliases(document);
  if (aliases.unresolved) {
    return fail(`*${aliases.unresolved.source} refers to an anchor that is not defined before it`, offsetOf(aliases.unresolved));
  }
  const bomb = aliasBombIn(document, aliases);
  if (bomb) return fail(bomb.message, bomb.offset);

  const root = new YamlValue({ aliases: aliases.targets, lineOf }, contents, '');
  if (!yaml().isMap(root.node)) return { ok: false, problem: root.expected(ROOT_WHAT).problem, lineOf };

  return { ok: true, root, lineOf };
}

/**
 * Where the YAML first nests deeper than `limit`, from the lexer's tokens alone (it does not recurse,
 * unlike the parser, whose stack overflow on a deeply nested file can take the process down).
 * Depth is over-estimated as indentation + indicators on the line + open flow brackets.
 */
function offsetNestedBeyond(text: string, limit: number): number | undefined {
  let offset = 0;
  let indent = 0;
  let indicators = 0;
  let flowDepth = 0;
  // A comma ends a flow entry, and the indicators counted in it: `{a: 1, b: 2}` is one level, not two.
  const indicatorsAtFlowStart: number[] = [];
  let atLineStart = true;
  for (const token of new (yaml().Lexer)().lex(text)) {
    const type = yaml().CST.tokenType(token);
    const start = offset;
    // Control tokens mark modes and are not part of the source.
    if (type !== 'doc-mode' && type !== 'scalar' && type !== 'flow-error-end') offset += token.length;
    switch (type) {
      case 'doc-mode':
      case 'scalar':
      case 'flow-error-end':
      case 'comment':
        continue;
      case 'newline':
        [atLineStart, indent, indicators] = [true, 0, 0];
        continue;
      case 'space':
        if (atLineStart) indent = token.length;
        continue;
      case 'flow-seq-start':
      case 'flow-map-start':
        flowDepth++;
        indicatorsAtFlowStart.push(indicators);
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        flowDepth = Math.max(0, flowDepth - 1);
        indicators = indicatorsAtFlowStart.pop() ?? indicators;
        break;
      case 'comma':
        indicators = indicatorsAtFlowStart.at(-1) ?? indicators;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        indicators++;
        break;
    }
    atLineStart = false;
    if (indent + indicators + flowDepth > limit) return start;
  }
  return undefined;
}

function quotedScalarEndingAt(document: Document, offset: number): Scalar | undefined {
  let found: Scalar | undefined;
  yaml().visit(document, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === offset) found = node;
    },
  });
  return found;
}

interface Aliases {
  /** Every alias, in document order, with the node it stands for. */
  targets: Map<Alias, Node>;
  /** The first alias naming an anchor not set before it. */
  unresolved?: Alias;
}

/** Resolves aliases in one pass: an alias stands for the last node with its anchor before it. */
function resolveAliases(document: Document): Aliases {
  const latest = new Map<string, Node>();
  const aliases: Aliases = { targets: new Map() };
  yaml().visit(document, {
    Node(_key, node) {
      if (yaml().isAlias(node)) {
        const target = latest.get(node.source);
        if (target) aliases.targets.set(node, target);
        else aliases.unresolved ??= node;
      } else if (node.anchor) {
        latest.set(node.anchor, node);
      }
    },
  });
  return aliases;
}

/**
 * The yaml package refuses documents whose aliases expand past `maxAliasCount` ("billion laughs").
 * It says so without a position, so the count is replayed here to point at the alias that crosses it.
 */
function aliasBombIn(document: Document, aliases: Aliases): Problem | undefined {
  if (aliases.targets.size === 0) return undefined;
  try {
    document.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true });
    return undefined;
  } catch (error) {
    if (!(error instanceof ReferenceError)) return { message: `invalid YAML: ${String(error)}` };
    const culprit = aliasCrossingLimit(aliases.targets) ?? aliases.targets.keys().next().value;
    const reason = `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
    return { message: `aliases expand too far (${reason})`, offset: offsetOf(culprit) };
  }
}

/** The yaml package's count: each use of an anchor weighs as much as the aliases nested in it. */
function aliasCrossingLimit(targets: ReadonlyMap<Alias, Node>): Alias | undefined {
  const uses = new Map<Node, number>();
  const weights = new Map<Node, number>();
  const weightOf = (node: unknown): number => {
    if (yaml().isAlias(node)) {
      const target = targets.get(node);
      return target ? (uses.get(target) ?? 1) * (weights.get(target) ?? 0) : 0;
    }
    if (yaml().isCollection(node)) return node.items.reduce((heaviest: number, item) => Math.max(heaviest, weightOf(item)), 0);
    if (yaml().isPair(node)) return Math.max(weightOf(node.key), weightOf(node.value));
    return 1;
  };
  for (const [alias, target] of targets) {
    const count = (uses.get(target) ?? 1) + 1;
    uses.set(target, count);
    if (!weights.has(target)) weights.set(target, weightOf(target));
    if (count * weights.get(target)! > MAX_ALIAS_COUNT) return alias;
  }
  return undefined;
}

function offsetOf(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

// ───────────────────────────── a small validator over YAML nodes ─────────────────────────────

type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };
type Failure = { ok: false; problem: Problem };

/** Reads one value of the config: the parsed value, or the first problem in document order. */
type Rule<T> = (value: YamlValue) => Checked<T>;
type RuleResult<R> = R extends Rule<infer T> ? T : never;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

interface Source {
  aliases: ReadonlyMap<Alias, Node>;
  lineOf: LineOf;
}

/** A value in the config file: the node to read (aliases followed), where it was written, its dotted path. */
class YamlValue {
  /** What to read: the written node, or the node an alias written there stands for. */
  readonly node: Node | null;

  constructor(
    private readonly source: Source,
    /** Null when nothing was written (`? key` without a value). */
    private readonly written: Node | null,
    readonly path: string,
    /** Where to point when nothing was written. */
    private readonly fallbackOffset?: number,
  ) {
    this.node = this.follow(written);
  }

  /** The node itself, or the node it stands for if it is an alias. */
  follow(node: Node | null): Node | null {
    return yaml().isAlias(node) ? (this.source.aliases.get(node) ?? null) : node;
  }

  /** Where messages about this value point: the alias if one was written, else the value. */
  get offset(): number | undefined {
    return offsetOf(this.written) ?? this.fallbackOffset;
  }

  /** The value of the entry `name` inside this mapping. */
  entry(node: unknown, name: string, keyOffset: number | undefined): YamlValue {
    return new YamlValue(this.source, asNode(node), joinPath(this.path, name), keyOffset);
  }

  /** The `index`th item of this list. */
  item(node: unknown, index: number): YamlValue {
    return new YamlValue(this.source, asNode(node), `${this.path}[${index}]`, this.offset);
  }

  isEmpty(): boolean {
    return this.node === null || (yaml().isScalar(this.node) && this.node.value === null);
  }

  lineOf(offset: number): number {
    return this.source.lineOf(offset);
  }

  fail(message: string, offset = this.offset): Failure {
    return { ok: false, problem: { message, offset } };
  }

  /** "<path> must be <what> (got <this value>)", and a suggestion when there is one. */
  expected(what: string, suggestion?: string): Failure {
    const label = this.path === '' ? 'the top level' : this.path;
    return this.fail(`${label} must be ${what} (got ${describe(this.node)})${suggestion ? `; did you mean ${suggestion}?` : ''}`);
  }
}

function asNode(node: unknown): Node | null {
  return yaml().isNode(node) ? node : null;
}

interface Entry {
  name: string;
  keyOffset: number | undefined;
  value: YamlValue;
}

/**
 * Reads a mapping entry by entry in document order, stopping at the first failure. Nothing written
 * (`scan:` alone) reads as an empty mapping. Keys must be plain names and appear once.
 */
function readEntries(mapping: YamlValue, what: string, read: (entry: Entry) => Failure | undefined): Failure | undefined {
  if (mapping.isEmpty()) return undefined;
  if (!yaml().isMap(mapping.node)) return mapping.expected(what);
  const firstOffsets = new Map<string, number | undefined>();
  for (const pair of mapping.node.items) {
    const keyNode = asNode(pair.key);
    const keyOffset = offsetOf(keyNode) ?? mapping.offset;
    const key = mapping.follow(keyNode);
    if (!yaml().isScalar(key) || key.value === null) {
      return mapping.fail(`${mapping.path || 'the top level'} has a key that is not a plain name`, keyOffset);
    }
    const name = String(key.value);
    if (firstOffsets.has(name)) {
      const firstOffset = firstOffsets.get(name);
      const first = firstOffset === undefined ? '' : ` (first on line ${mapping.lineOf(firstOffset)})`;
      return mapping.fail(`${joinPath(mapping.path, name)} is set twice${first}`, keyOffset);
    }
    firstOffsets.set(name, keyOffset);
    const failure = read({ name, keyOffset, value: mapping.entry(pair.value, name, keyOffset) });
    if (failure) return failure;
  }
  return undefined;
}

type Fields = Record<string, Rule<unknown>>;
type SectionValue<F extends Fields> = { [K in keyof F]?: RuleResult<F[K]> };

/** A mapping of known settings, each read by its own rule; an unknown key is a mistake. */
function section<F extends Fields>(fields: F, what = 'a mapping of settings'): Rule<SectionValue<F>> {
  const names = Object.keys(fields);
  return (value) => {
    const result: Record<string, unknown> = {};
    const failure = readEntries(value, what, ({ name, keyOffset, value: child }) => {
      const rule = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (!rule) {
        const suggestion = names.find((known) => known === snakeCase(name)) ?? closestMatch(name, names);
        const hint = suggestion ? `; did you mean ${joinPath(value.path, suggestion)}?` : ` (settings: ${names.join(', ')})`;
        return child.fail(`${child.path} is not a known setting${hint}`, keyOffset);
      }
      const checked = rule(child);
      if (!checked.ok) return checked;
      result[name] = checked.value;
      return undefined;
    });
    return failure ?? ok(result as SectionValue<F>);
  };
}

/** A list of items; nothing written reads as an empty list. */
function listOf<T>(item: Rule<T>, what: string): Rule<T[]> {
  return (value) => {
    if (value.isEmpty()) return ok([]);
    if (!yaml().isSeq(value.node)) return value.expected(what);
    const items: T[] = [];
    for (const [index, node] of value.node.items.entries()) {
      const checked = item(value.item(node, index));
      if (!checked.ok) return checked;
      items.push(checked.value);
    }
    return ok(items);
  };
}

/** One item or a list of them. */
function oneOrList<T>(item: Rule<T>, what: string): Rule<T[]> {
  const list = listOf(item, what);
  return (value) => {
    if (!yaml().isScalar(value.node) || value.isEmpty()) return list(value);
    const checked = item(value);
    return checked.ok ? ok([checked.value]) : checked;
  };
}

/** A scalar that `read` accepts (by returning something other than undefined). */
function scalar<T>(what: string, read: (raw: unknown) => T | undefined): Rule<T> {
  return (value) => {
    const result = yaml().isScalar(value.node) ? read(value.node.value) : undefined;
    return result === undefined ? value.expected(what) : ok(result);
  };
}

function text(what: string, accept: (raw: string) => boolean): Rule<string> {
  return scalar(what, (raw) => (typeof raw === 'string' && accept(raw) ? raw : undefined));
}

function wholeNumber(minimum?: number, maximum?: number): Rule<number> {
  const what =
    minimum !== undefined && maximum !== undefined
      ? `a whole number from ${minimum} to ${maximum}`
      : minimum !== undefined
        ? `a whole number ≥ ${minimum}`
        : 'a whole number';
  return scalar(what, (raw) =>
    typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= (minimum ?? -Infinity) && raw <= (maximum ?? Infinity) ? raw : undefined,
  );
}

function finiteNumber(minimum?: number): Rule<number> {
  const what = minimum === undefined ? 'a number' : `a number ≥ ${minimum}`;
  return scalar(what, (raw) => (typeof raw === 'number' && Number.isFinite(raw) && raw >= (minimum ?? -Infinity) ? raw : undefined));
}

const boolean: Rule<boolean> = scalar('true or false', (raw) => (typeof raw === 'boolean' ? raw : undefined));

// ───────────────────────────── the schema ─────────────────────────────

const modelId = text('a model id without spaces, such as openai/gpt-4o-mini', (raw) => /^\S+$/.test(raw));

const pattern = text('a gitignore-style pattern such as "generated/"', (raw) => raw.trim() !== '');

const moduleSpecifier = text('a module name or path, such as openrouter-check-plugin-acme or ./checks/acme.js', (raw) => raw !== '' && raw.trim() === raw);

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Bytes from a number of bytes or a size with a unit ("2 MiB", "512KB", "1.5MB"); undefined if not positive. */
export function parseByteSize(raw: unknown): number | undefined {
  let bytes: number | undefined;
  if (typeof raw === 'number') bytes = raw;
  else if (typeof raw === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(raw);
    const factor = match && (match[2] === '' ? 1 : BYTE_UNITS[match[2]!.toLowerCase()]);
    if (match && factor) bytes = Math.round(Number(match[1]) * factor);
  }
  return bytes !== undefined && Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

const byteSize = scalar('a positive size in bytes, or with a unit such as "2 MiB" or "512 KB"', parseByteSize);

/** The key goes to this URL: https, or plain http only when it never leaves the machine (the rule is in base-url.ts). */
const baseUrl: Rule<string> = (value) => {
  const raw = yaml().isScalar(value.node) ? value.node.value : undefined;
  if (typeof raw !== 'string') return value.expected(`a URL such as ${DEFAULT_BASE_URL}`);
  const problem = baseUrlProblem(raw);
  return problem === undefined ? ok(normalizeBaseUrl(raw)) : value.fail(`${value.path} ${problem}`);
};

const keyEnv: Rule<string> = (value) => {
  const raw = yaml().isScalar(value.node) ? value.node.value : undefined;
  // Never echo what looks like the key itself.
  if (typeof raw === 'string' && raw.startsWith('sk-')) return value.fail(`${value.path} ${keyEnvProblem(raw)}`);
  if (typeof raw === 'string' && keyEnvProblem(raw) === undefined) return ok(raw);
  return value.expected('an environment variable name such as OPENROUTER_API_KEY');
};

/**
 * An operator setting in a repository's file: refused whatever its value (so nothing of it is quoted),
 * unless it only repeats the default, which moves nothing.
 */
function operatorOnly<T>(path: OperatorSettingPath, rule: Rule<T>, isDefault: (value: T) => boolean): Rule<T> {
  return (value) => {
    const checked = rule(value);
    return checked.ok && isDefault(checked.value) ? checked : value.fail(operatorSettingRefusal(path));
  };
}

/** A budget a repository may set within bounds; beyond them it is the operator's. */
function withinRepositoryBounds(path: OperatorSettingPath, rule: Rule<number>, bounds: { min: number; max: number }): Rule<number> {
  return (value) => {
    const checked = rule(value);
    if (!checked.ok || (checked.value >= bounds.min && checked.value <= bounds.max)) return checked;
    return value.fail(operatorSettingRefusal(path));
  };
}

/** `api:` as the operator may write it, or as the audited repository may. */
function apiRule(kind: ConfigKind) {
  const timeoutMs = wholeNumber(1);
  const retries = wholeNumber(0, MAX_RETRIES);
  if (kind === 'operator') return section({ base_url: baseUrl, key_env: keyEnv, timeout_ms: timeoutMs, retries });
  return section({
    base_url: operatorOnly('api.base_url', baseUrl, (url) => url === DEFAULT_API_CONFIG.baseUrl),
    key_env: operatorOnly('api.key_env', keyEnv, (name) => name === DEFAULT_API_CONFIG.keyEnv),
    timeout_ms: withinRepositoryBounds('api.timeout_ms', timeoutMs, REPOSITORY_TIMEOUT_MS),
    retries: withinRepositoryBounds('api.retries', retries, REPOSITORY_RETRIES),
  });
}

/** `off`/`warn`/`error`, or a boolean: false is off, true the check's default severity. */
function severityOf(raw: unknown, check: Check): SeveritySetting | undefined {
  if (raw === false) return 'off';
  if (raw === true) return check.defaultSeverity;
  return SEVERITY_SETTINGS.find((word) => word === raw);
}

function severityRule(check: Check, what: string): Rule<SeveritySetting> {
  return (value) => {
    const raw = yaml().isScalar(value.node) ? value.node.value : undefined;
    const severity = severityOf(raw, check);
    if (severity !== undefined) return ok(severity);
    return value.expected(what, typeof raw === 'string' ? closestMatch(raw, SEVERITY_SETTINGS) : undefined);
  };
}

function optionRule(schema: CheckOptionSchema): Rule<number | string | boolean> {
  switch (schema.type) {
    case 'integer':
      return wholeNumber(schema.minimum);
    case 'number':
      return finiteNumber(schema.minimum);
    case 'string':
      return text('a string', () => true);
    case 'boolean':
      return boolean;
  }
}

function defaultOptions(check: Check): Record<string, number | string | boolean | undefined> {
  return Object.fromEntries(Object.entries(check.options ?? {}).map(([name, schema]) => [name, schema.default]));
}

function defaultSetting(check: Check): CheckSetting {
  return { severity: check.defaultSeverity, options: defaultOptions(check) };
}

/** `checks.<id>`: a severity, a boolean, or a mapping of `severity` and the check's options. */
function checkSettingRule(check: Check, kind: ConfigKind): Rule<CheckSetting> {
  const guarded = kind === 'repository' && KEY_GUARD_CHECKS.has(check.id);
  // A key-guard check stays at its default severity in a repository's file (its options stay the repository's).
  const allowed = (severity: SeveritySetting, value: YamlValue): Checked<SeveritySetting> =>
    guarded && severity !== check.defaultSeverity ? value.fail(keyGuardRefusal(value.path, check.id, severity)) : ok(severity);
  const schemas = check.options ?? {};
  const optionNames = Object.keys(schemas);
  const severityWord = severityRule(check, 'off, warn, error, true or false');
  const severityOrMapping = severityRule(check, 'off, warn, error, true, false or a mapping of severity and options');
  return (value) => {
    if (!yaml().isMap(value.node)) {
      const severity = severityOrMapping(value);
      if (!severity.ok) return severity;
      const kept = allowed(severity.value, value);
      return kept.ok ? ok({ ...defaultSetting(check), severity: kept.value }) : kept;
    }
    let severity: SeveritySetting = check.defaultSeverity;
    const options = defaultOptions(check);
    const failure = readEntries(value, 'a mapping', ({ name, keyOffset, value: child }) => {
      if (name === 'severity') {
        const checked = severityWord(child);
        if (!checked.ok) return checked;
        const kept = allowed(checked.value, child);
        if (!kept.ok) return kept;
        severity = kept.value;
        return undefined;
      }
      const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      if (!schema) {
        const suggestion = closestMatch(name, ['severity', ...optionNames]);
        const hint = suggestion ? `; did you mean ${suggestion}?` : optionNames.length > 0 ? ` (options: ${optionNames.join(', ')})` : ' (it has none)';
        return child.fail(`${child.path} is not an option of ${check.id}${hint}`, keyOffset);
      }
      const checked = optionRule(schema)(child);
      if (!checked.ok) return checked;
      options[name] = checked.value;
      return undefined;
    });
    return failure ?? ok({ severity, options });
  };
}

/**
 * `checks:`: known check ids only; the result holds just the checks the file mentions. With
 * `ignoredIds` (plugins listed but not loaded), an unknown id is put there instead of refused.
 */
function checksRule(checks: readonly Check[], kind: ConfigKind, ignoredIds?: string[]): Rule<Record<string, CheckSetting>> {
  const ids = checks.map((check) => check.id);
  return (value) => {
    const settings: Record<string, CheckSetting> = {};
    const failure = readEntries(value, 'a mapping from check ids to off, warn, error or options', ({ name, keyOffset, value: child }) => {
      const check = checks.find((known) => known.id === name);
      if (!check && ignoredIds) {
        ignoredIds.push(name);
        return undefined;
      }
      if (!check) {
        const suggestion = closestMatch(name, ids);
        return child.fail(`${child.path} is not a known check${suggestion ? `; did you mean ${suggestion}?` : ' (see --list-checks)'}`, keyOffset);
      }
      const checked = checkSettingRule(check, kind)(child);
      if (!checked.ok) return checked;
      settings[check.id] = checked.value;
      return undefined;
    });
    return failure ?? ok(settings);
  };
}

/** The whole file. Keys are snake_case here and camelCase in `Config`. */
function configRule(checks: readonly Check[], kind: ConfigKind, ignoredCheckIds?: string[]) {
  return section(
    {
      checks: checksRule(checks, kind, ignoredCheckIds),
      scan: section({
        include: oneOrList(pattern, 'a gitignore-style pattern or a list of them'),
        exclude: oneOrList(pattern, 'a gitignore-style pattern or a list of them'),
        max_file_size: byteSize,
      }),
      models: section({
        primary: modelId,
        fallbacks: listOf(modelId, 'a list of model ids'),
        required: listOf(modelId, 'a list of model ids'),
      }),
      api: apiRule(kind),
      plugins: listOf(moduleSpecifier, 'a list of module names or paths'),
    },
    ROOT_WHAT,
  );
}

type Settings = RuleResult<ReturnType<typeof configRule>>;

function toConfig(settings: Settings, checks: readonly Check[], configFile: string | undefined): Config {
  const { scan = {}, models = {}, api = {} } = settings;
  const config: Config = {
    checks: Object.fromEntries(checks.map((check) => [check.id, settings.checks?.[check.id] ?? defaultSetting(check)])),
    scan: {
      include: scan.include ?? [],
      exclude: scan.exclude ?? [],
      maxFileSize: scan.max_file_size ?? DEFAULT_MAX_FILE_SIZE,
    },
    models: { fallbacks: models.fallbacks ?? [], required: models.required ?? [] },
    api: {
      baseUrl: api.base_url ?? DEFAULT_API_CONFIG.baseUrl,
      keyEnv: api.key_env ?? DEFAULT_API_CONFIG.keyEnv,
      timeoutMs: api.timeout_ms ?? DEFAULT_API_CONFIG.timeoutMs,
      retries: api.retries ?? DEFAULT_API_CONFIG.retries,
    },
    plugins: settings.plugins ?? [],
  };
  if (models.primary !== undefined) config.models.primary = models.primary;
  if (configFile !== undefined) config.configFile = configFile;
  return config;
}

// ───────────────────────────── messages ─────────────────────────────

/** `config error: <file>:<line>: <message>` on one line, anything that looks like a credential masked. */
function configError(file: Pick<ConfigFile, 'shownAs'>, problem: Problem, lineOf?: LineOf): string {
  const line = problem.offset !== undefined && lineOf ? `:${lineOf(problem.offset)}` : '';
  return maskSecretsIn(`config error: ${file.shownAs}${line}: ${problem.message}`).replace(/\s*[\r\n]+\s*/g, ' ');
}

const MAX_SHOWN_LENGTH = 60;

/** A value as messages show it after "got": quoted text, a number, "a list", "nothing"… */
function describe(node: Node | null): string {
  if (yaml().isMap(node)) return 'a mapping';
  if (yaml().isSeq(node)) return 'a list';
  if (!yaml().isScalar(node) || node.value === null || node.value === undefined) return 'nothing';
  const { value } = node;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return `a ${node.tag?.replace('tag:yaml.org,2002:', '!!') ?? 'tagged'} value`;
}

/** A name as a path segment: bare when it is a plain word, else quoted. */
function joinPath(parent: string, name: string): string {
  const segment = /^[\w./@-]{1,60}$/.test(name) ? name : quote(name);
  return parent === '' ? segment : `${parent}.${segment}`;
}

/** JSON-quoted (so control characters stay on one line), credentials masked, long text cut. */
function quote(text: string): string {
  const masked = maskSecretsIn(text);
  return JSON.stringify(masked.length > MAX_SHOWN_LENGTH ? `${masked.slice(0, MAX_SHOWN_LENGTH - 1)}…` : masked);
}

/** `maxFileSize` → `max_file_size`, to suggest the YAML spelling of a camelCase or kebab-case key. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/-/g, '_');
}
