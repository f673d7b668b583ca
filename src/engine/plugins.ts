import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginLoader, PluginSpecifier } from '../config/config.js';
import { CATEGORIES, CHECK_KINDS, SEVERITIES } from '../checks/types.js';
import type { Check } from '../checks/types.js';

const CHECK_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Loads third-party checks named under `plugins:`: a path (relative to the config file) or a
 * package name (resolved from the config file's folder, as Node resolves it). A module exports a
 * check as its default export, or an array of checks; each must fulfil the built-ins' contract.
 */
export const loadPluginChecks: PluginLoader = async (plugins, configDirectory, knownIds) => {
  const ids = new Set(knownIds);
  const checks: Check[] = [];
  for (const plugin of plugins) {
    const fail = (problem: string) => ({ ok: false as const, message: `plugins: "${plugin.specifier}" ${problem}`, offset: plugin.offset });
    let exported: unknown;
    try {
      const module = (await import(moduleUrl(plugin, configDirectory))) as { default?: unknown };
      exported = module.default;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      const reason = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'cannot be found' : `cannot be loaded: ${firstLine(error)}`;
      return fail(reason);
    }
    const candidates = Array.isArray(exported) ? (exported as unknown[]) : [exported];
    if (candidates.length === 0) return fail('exports no check (expected a check object, or an array of them, as its default export)');
    for (const candidate of candidates) {
      const problem = contractProblem(candidate);
      if (problem) return fail(`does not export a valid check: ${problem}`);
      const check = candidate as Check;
      if (ids.has(check.id)) return fail(`defines the check "${check.id}", which already exists`);
      ids.add(check.id);
      checks.push(check);
    }
  }
  return { ok: true, checks };
};

function moduleUrl({ specifier }: PluginSpecifier, configDirectory: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return pathToFileURL(resolve(configDirectory, specifier)).href;
  // A package: resolved from the audited project, not from wherever openrouter-check is installed.
  const require = createRequire(join(configDirectory, 'noop.js'));
  return pathToFileURL(require.resolve(specifier)).href;
}

/** What is wrong with an exported value as a Check, or undefined. */
function contractProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected an object with id, title, category, kind, defaultSeverity, docs and run';
  const check = value as Record<string, unknown>;
  if (typeof check.id !== 'string' || !CHECK_ID.test(check.id)) return 'id must be kebab-case, such as "no-gpt-3"';
  for (const field of ['title', 'docs'] as const) {
    if (typeof check[field] !== 'string' || check[field] === '') return `${check.id}: ${field} must be a non-empty string`;
  }
  if (!isOneOf(CATEGORIES, check.category)) return `${check.id}: category must be one of ${CATEGORIES.join(', ')}`;
  if (!isOneOf(CHECK_KINDS, check.kind)) return `${check.id}: kind must be ${CHECK_KINDS.join(' or ')}`;
  if (!isOneOf(SEVERITIES, check.defaultSeverity)) return `${check.id}: defaultSeverity must be ${SEVERITIES.join(' or ')}`;
  if (typeof check.run !== 'function') return `${check.id}: run must be a function`;
  if (check.options !== undefined && (typeof check.options !== 'object' || check.options === null)) return `${check.id}: options must be an object`;
  return undefined;
}

function isOneOf(allowed: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && allowed.includes(value);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}
