import { posix } from 'node:path';
import type ts from 'typescript';
import type { Check, Finding, Severity } from './types.js';
import type { WorkspaceFile } from '../workspace/workspace.js';
import type { TypeScript } from '../languages/typescript/load-typescript.js';
import { locationOf, mayBeClientModule, mayMentionOpenRouter } from '../languages/typescript/openrouter-usage.js';
import { clientStyle } from '../inventory/client-styles.js';
import { findingAt, openRouterSites, requestCheckOutcome, usesOpenRouter } from '../inventory/questions.js';
import { requestInventory } from '../inventory/request-inventory.js';
import type { RequestInventory } from '../inventory/request-site.js';
import { literalPropertyName } from '../languages/typescript/syntax.js';
import { snippetOf } from '../workspace/snippet.js';
import type { OpenRouterUsage } from '../languages/typescript/openrouter-usage.js';
import { scanOpenRouterUsage } from '../languages/typescript/usage-scan.js';

/** Prefixes the bundlers inline into the browser bundle: Next.js, Vite, Create React App, SvelteKit/Astro, Expo, Nuxt. */
const PUBLIC_PREFIXES = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'PUBLIC_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_'];
/** Names (after the prefix) that hold the key without spelling both OPENROUTER and KEY. */
const COMMON_KEY_NAMES = new Set(['OPENROUTER_TOKEN', 'OPENROUTER_SECRET', 'OPENROUTER_API_TOKEN']);

const messages = {
  publicEnv: (name: string, prefix: string) =>
    `${name} holds the OpenRouter key under the public prefix ${prefix}, which the bundler inlines into client-side code; ` +
    `drop the prefix and call OpenRouter from server code only`,
  nextConfigEnv: (name: string) =>
    `next.config exposes ${name} under env, which Next.js inlines into the client bundle; ` + 'remove it from env and read process.env on the server only',
  browserClient: (constructor: string) =>
    `${constructor} for OpenRouter sets dangerouslyAllowBrowser: true, so the key ships to every browser; ` +
    'call OpenRouter from a server route and remove dangerouslyAllowBrowser',
  browserRequest: (callee: string, where: string) =>
    `${callee} calls OpenRouter from ${where}, so its key must be in the browser; move the call to a server action or route`,
};

const check: Check = {
  id: 'client-exposure',
  title: 'The OpenRouter key stays out of client-side code',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'error',
  docs:
    'A key that reaches the browser (a NEXT_PUBLIC_/VITE_/REACT_APP_/PUBLIC_/EXPO_PUBLIC_/NUXT_PUBLIC_ variable, `env` in ' +
    "next.config, an OpenAI client with dangerouslyAllowBrowser, a completion call in a 'use client' module) can be read by anyone " +
    'who opens the app and spent on their requests. Keep the key in a server-only variable (OPENROUTER_API_KEY) and call ' +
    'OpenRouter from a server route or action.',
  async run(ctx) {
    // Both asked before any await: the inventory and the env reads share the workspace's one script pass.
    const built = requestInventory(ctx.workspace);
    const inScripts = scanOpenRouterUsage(ctx, [mayMentionOpenRouter, mayBeClientModule], (usage, file, compiler) =>
      scriptFindings(compiler, usage, file, ctx.severity),
    );
    const [inventory, envReads] = await Promise.all([built, inScripts]);
    ctx.signal.throwIfAborted();
    const inBrowser = browserFindings(inventory, ctx.severity);
    // A file the shared walk could not analyse is reported once, with the inventory's failures.
    const failed = new Set(inventory.failures.map(({ finding }) => finding.message));
    const readsOfEnv = envReads.filter((finding) => finding.file !== undefined || !failed.has(finding.message));
    const findings = [...envFileFindings(ctx.workspace.files, ctx.severity), ...readsOfEnv, ...inBrowser.findings];
    // Public key variables need no request to leak: the check looked whenever the project names OpenRouter at all.
    return requestCheckOutcome(inventory, findings, inBrowser.looked || findings.length > 0);
  },
};

/** The public prefix of a variable that holds the OpenRouter key, or undefined for any other variable. */
function publicKeyVariablePrefix(name: string): string | undefined {
  const upper = name.toUpperCase();
  // The longest prefix names the framework: NUXT_PUBLIC_ before PUBLIC_ cannot clash, as both must start the name.
  const prefix = PUBLIC_PREFIXES.find((candidate) => upper.startsWith(candidate));
  return prefix && holdsOpenRouterKey(upper.slice(prefix.length)) ? prefix : undefined;
}

/** A variable name (without any public prefix) that holds the OpenRouter key. */
function holdsOpenRouterKey(name: string): boolean {
  const upper = name.toUpperCase();
  return (upper.includes('OPENROUTER') && upper.includes('KEY')) || COMMON_KEY_NAMES.has(upper);
}

/** The object of an `env: { … }` property, or undefined for any other node. */
function envObjectOf(compiler: TypeScript, node: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (!compiler.isPropertyAssignment(node) || literalPropertyName(compiler, node.name) !== 'env') return undefined;
  return compiler.isObjectLiteralExpression(node.initializer) ? node.initializer : undefined;
}

const NEXT_CONFIG = /^next\.config\.[cm]?[jt]s$/;

/** Keys of the `env` object in next.config that hold the OpenRouter key: Next.js inlines every one into the client bundle. */
function nextConfigEnvKeys(compiler: TypeScript, sourceFile: ts.SourceFile): ts.PropertyAssignment[] {
  const found: ts.PropertyAssignment[] = [];
  const pending: ts.Node[] = [sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const env = envObjectOf(compiler, node);
    for (const member of env?.properties ?? []) {
      if (!compiler.isPropertyAssignment(member)) continue;
      const name = literalPropertyName(compiler, member.name);
      if (name !== undefined && holdsOpenRouterKey(name)) found.push(member);
    }
    compiler.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return found;
}

/** `.env`, `.env.local`, `.env.production`…: definitions of public key variables, one finding per line. */
function envFileFindings(files: readonly WorkspaceFile[], severity: Severity): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    if (!posix.basename(file.path).startsWith('.env') || !mayMentionOpenRouter(file.bytes)) continue;
    const lines = file.text().split('\n');
    lines.forEach((text, index) => {
      const match = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text);
      if (!match) return;
      const name = match[2]!;
      const prefix = publicKeyVariablePrefix(name);
      if (!prefix) return;
      findings.push({
        message: messages.publicEnv(name, prefix),
        severity,
        file: file.path,
        line: index + 1,
        column: match[1]!.length + 1,
        snippet: snippetOf(file.lineText(index + 1)),
      });
    });
  }
  return findings;
}

/** Public key variables read, browser-enabled OpenRouter clients, and completion calls in client modules. */
function scriptFindings(compiler: TypeScript, usage: OpenRouterUsage, file: WorkspaceFile, severity: Severity): Finding[] {
  const { sourceFile } = usage.scope;
  const located: { at: number; finding: Finding }[] = [];
  const add = (node: ts.Node, message: string): void => {
    located.push({ at: node.getStart(sourceFile), finding: { message, severity, ...locationOf(file, sourceFile, node) } });
  };
  for (const { node, name } of usage.envReads) {
    const prefix = publicKeyVariablePrefix(name);
    if (prefix) add(node, messages.publicEnv(name, prefix));
  }
  if (NEXT_CONFIG.test(posix.basename(file.path))) {
    for (const member of nextConfigEnvKeys(compiler, sourceFile)) add(member, messages.nextConfigEnv(member.name.getText(sourceFile)));
  }
  return located.sort((a, b) => a.at - b.at).map(({ finding }) => finding);
}

/** Clients that allow the browser, and requests from code that runs there (a client module, a script a page loads). */
function browserFindings(inventory: RequestInventory, severity: Severity): { findings: Finding[]; looked: boolean } {
  const { requests, clients } = openRouterSites(inventory);
  const findings: Finding[] = [];
  for (const { site } of clients) {
    if (site.browserAllowed) findings.push(findingAt(site.browserAllowed, messages.browserClient(site.constructor), severity));
  }
  for (const site of inventory.requests) {
    if (site.browser === undefined) continue;
    // A client that cannot be followed counts when the file itself speaks of OpenRouter; one known to go elsewhere never does.
    const reaches =
      site.target.kind === 'openrouter' ||
      (site.target.kind === 'unknown' && (usesOpenRouter(inventory) || (clientStyle(site.clientStyle).name !== 'raw HTTP' && site.fileNamesOpenRouter)));
    if (reaches) findings.push(findingAt(site.location, messages.browserRequest(site.callee, site.browser), severity));
  }
  return { findings, looked: requests.length + clients.length > 0 };
}

export default check;
