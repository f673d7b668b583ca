import { describe, expect, it } from 'vitest';
import check from '../../src/checks/client-exposure.js';
import { join } from 'node:path';
import { outcomeOf } from '../../src/checks/outcome.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { FIXTURES } from '../support/fixtures.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const publicEnv = (name: string, prefix: string): string =>
  `${name} holds the OpenRouter key under the public prefix ${prefix}, which the bundler inlines into client-side code; ` +
  'drop the prefix and call OpenRouter from server code only';
const BROWSER_CLIENT =
  'new OpenAI() for OpenRouter sets dangerouslyAllowBrowser: true, so the key ships to every browser; ' +
  'call OpenRouter from a server route and remove dangerouslyAllowBrowser';
const clientComponent = (callee: string): string =>
  `${callee} calls OpenRouter from a 'use client' module, so its key must be in the browser; move the call to a server action or route`;

const OPENROUTER = 'https://openrouter.ai/api/v1';

interface InvalidCase {
  name: string;
  files: Record<string, string>;
  findings: { file: string; line: number; column: number; message: string; snippet: string }[];
}

describe('client-exposure', () => {
  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'a server-only key variable', files: { 'src/a.ts': 'const key = process.env.OPENROUTER_API_KEY;' } },
    { name: 'a public variable that is not the key', files: { 'src/a.ts': 'const url = process.env.NEXT_PUBLIC_OPENROUTER_MODEL;' } },
    { name: 'a public key of another service', files: { 'src/a.ts': 'const k = import.meta.env.VITE_STRIPE_KEY; // openrouter' } },
    { name: 'env in another config file', files: { 'vite.config.ts': `export default { env: { OPENROUTER_API_KEY: 'x' } };` } },
    { name: 'a server-only variable in .env', files: { '.env': 'OPENROUTER_API_KEY=__OPENROUTER_KEY__\nNEXT_PUBLIC_SITE=x\n' } },
    { name: 'the prefix in the middle of the name', files: { '.env.local': 'MY_VITE_OPENROUTER_KEY=x\n' } },
    {
      name: 'dangerouslyAllowBrowser on a client of another provider',
      files: { 'src/a.ts': `const c = new OpenAI({ baseURL: 'https://api.example.com/v1', dangerouslyAllowBrowser: true }); // openrouter` },
    },
    {
      name: 'dangerouslyAllowBrowser: false',
      files: { 'src/a.ts': `const c = new OpenAI({ baseURL: '${OPENROUTER}', dangerouslyAllowBrowser: false });` },
    },
    {
      name: "'use client' that is not the directive",
      files: {
        'app/page.tsx': lines(
          `import OpenAI from 'openai';`,
          `'use client';`,
          `const c = new OpenAI({ baseURL: '${OPENROUTER}' });`,
          `c.chat.completions.create({ model, messages });`,
        ),
      },
    },
    {
      name: 'a client module calling its own server route',
      files: { 'app/chat.tsx': lines(`'use client';`, `fetch('/api/chat/completions', { method: 'POST' });`) },
    },
    {
      name: 'a client module calling a client known to go to another provider',
      files: { 'app/chat.tsx': lines(`'use client';`, `const c = new OpenAI();`, `c.chat.completions.create({ model, messages });`) },
    },
    {
      name: 'a client module calling a client it is passed, never naming OpenRouter',
      files: { 'app/chat.tsx': lines(`'use client';`, `export const ask = (ai) => ai.chat.completions.create({ model, messages });`) },
    },
    {
      name: 'a server module calling OpenRouter',
      files: { 'app/route.ts': lines(`'use server';`, `fetch('${OPENROUTER}/chat/completions', { method: 'POST' });`) },
    },
  ];
  it.each(valid)('no finding: $name', async ({ files }) => {
    expect(await findingsOf(check, files)).toEqual([]);
  });

  const invalid: InvalidCase[] = [
    {
      name: 'process.env with NEXT_PUBLIC_',
      files: { 'src/a.ts': 'const key = process.env.NEXT_PUBLIC_OPENROUTER_API_KEY;' },
      findings: [
        {
          file: 'src/a.ts',
          line: 1,
          column: 13,
          message: publicEnv('NEXT_PUBLIC_OPENROUTER_API_KEY', 'NEXT_PUBLIC_'),
          snippet: 'const key = process.env.NEXT_PUBLIC_OPENROUTER_API_KEY;',
        },
      ],
    },
    {
      name: 'import.meta.env with VITE_',
      files: { 'src/a.ts': 'const key = import.meta.env.VITE_OPENROUTER_KEY;' },
      findings: [
        {
          file: 'src/a.ts',
          line: 1,
          column: 13,
          message: publicEnv('VITE_OPENROUTER_KEY', 'VITE_'),
          snippet: 'const key = import.meta.env.VITE_OPENROUTER_KEY;',
        },
      ],
    },
    {
      name: "process.env['…'] with EXPO_PUBLIC_ and a common name",
      files: { 'src/a.js': `\n  const token = process.env['EXPO_PUBLIC_OPENROUTER_TOKEN'];` },
      findings: [
        {
          file: 'src/a.js',
          line: 2,
          column: 17,
          message: publicEnv('EXPO_PUBLIC_OPENROUTER_TOKEN', 'EXPO_PUBLIC_'),
          snippet: "const token = process.env['EXPO_PUBLIC_OPENROUTER_TOKEN'];",
        },
      ],
    },
    {
      name: 'names destructured from import.meta.env',
      files: { 'src/env.ts': 'const { VITE_MODEL, VITE_OPENROUTER_API_KEY: apiKey } = import.meta.env;' },
      findings: [
        {
          file: 'src/env.ts',
          line: 1,
          column: 21,
          message: publicEnv('VITE_OPENROUTER_API_KEY', 'VITE_'),
          snippet: 'const { VITE_MODEL, VITE_OPENROUTER_API_KEY: apiKey } = import.meta.env;',
        },
      ],
    },
    {
      name: 'the key under env in next.config',
      files: {
        'next.config.mjs': lines(
          `export default {`,
          `  reactStrictMode: true,`,
          `  env: { OPENROUTER_MODEL: 'x', OPENROUTER_API_KEY: process.env.OPENROUTER_API_KEY },`,
          `};`,
        ),
      },
      findings: [
        {
          file: 'next.config.mjs',
          line: 3,
          column: 33,
          message:
            'next.config exposes OPENROUTER_API_KEY under env, which Next.js inlines into the client bundle; ' +
            'remove it from env and read process.env on the server only',
          snippet: "env: { OPENROUTER_MODEL: 'x', OPENROUTER_API_KEY: process.env.OPENROUTER_API_KEY },",
        },
      ],
    },
    {
      name: 'definitions in .env files, with export and lower case',
      files: { '.env.local': 'A=1\nVITE_OPENROUTER_API_KEY=\n  export react_app_openrouter_key=abc\nNUXT_PUBLIC_OPENROUTER_KEY = x\n' },
      findings: [
        { file: '.env.local', line: 2, column: 1, message: publicEnv('VITE_OPENROUTER_API_KEY', 'VITE_'), snippet: 'VITE_OPENROUTER_API_KEY=' },
        {
          file: '.env.local',
          line: 3,
          column: 10,
          message: publicEnv('react_app_openrouter_key', 'REACT_APP_'),
          snippet: 'export react_app_openrouter_key=abc',
        },
        {
          file: '.env.local',
          line: 4,
          column: 1,
          message: publicEnv('NUXT_PUBLIC_OPENROUTER_KEY', 'NUXT_PUBLIC_'),
          snippet: 'NUXT_PUBLIC_OPENROUTER_KEY = x',
        },
      ],
    },
    {
      name: 'dangerouslyAllowBrowser with the baseURL in a const',
      files: {
        'src/client.ts': lines(
          `import OpenAI from 'openai';`,
          `const BASE = 'https://openrouter.ai';`,
          'const baseURL = `${BASE}/api/v1`;',
          `export const client = new OpenAI({ baseURL, apiKey, dangerouslyAllowBrowser: true });`,
        ),
      },
      findings: [
        {
          file: 'src/client.ts',
          // At the property (issue 15), not at new OpenAI(.
          line: 4,
          column: 53,
          message: BROWSER_CLIENT,
          snippet: 'export const client = new OpenAI({ baseURL, apiKey, dangerouslyAllowBrowser: true });',
        },
      ],
    },
    {
      name: 'a client module calling completions through an OpenRouter client',
      files: {
        'app/chat.tsx': lines(
          `"use client";`,
          `import OpenAI from 'openai';`,
          `const client = new OpenAI({ baseURL: '${OPENROUTER}', dangerouslyAllowBrowser: true });`,
          `export function Chat() {`,
          `  const send = () => client.chat.completions.create({ model, messages });`,
          `}`,
        ),
      },
      findings: [
        {
          file: 'app/chat.tsx',
          line: 3,
          column: 70,
          message: BROWSER_CLIENT,
          snippet: `const client = new OpenAI({ baseURL: '${OPENROUTER}', dangerouslyAllowBrowser: true });`,
        },
        {
          file: 'app/chat.tsx',
          line: 5,
          column: 22,
          message: clientComponent('chat.completions.create()'),
          snippet: 'const send = () => client.chat.completions.create({ model, messages });',
        },
      ],
    },
    {
      name: 'a client module calling a client it is passed, in an OpenRouter app',
      files: {
        'app/chat.tsx': lines(`'use client';`, `// talks to OpenRouter`, `export const ask = (ai) => ai.chat.completions.create({ model, messages });`),
      },
      findings: [
        {
          file: 'app/chat.tsx',
          line: 3,
          column: 28,
          message: clientComponent('chat.completions.create()'),
          snippet: 'export const ask = (ai) => ai.chat.completions.create({ model, messages });',
        },
      ],
    },
    {
      name: 'a client module whose directive follows comments',
      files: {
        'app/ask.tsx': lines(
          `// Copyright`,
          `/* banner */ 'use client'`,
          `export const ask = () => fetch('${OPENROUTER}/chat/completions', { method: 'POST' });`,
        ),
      },
      findings: [
        {
          file: 'app/ask.tsx',
          line: 3,
          column: 26,
          message: clientComponent('fetch()'),
          snippet: `export const ask = () => fetch('${OPENROUTER}/chat/completions', { method: 'POST' });`,
        },
      ],
    },
    {
      name: 'a client module calling fetch and @openrouter/sdk after another directive',
      files: {
        'app/chat.jsx': lines(
          `'use strict';`,
          `'use client';`,
          `import { OpenRouter } from '@openrouter/sdk';`,
          `const URL = '${OPENROUTER}/chat/completions';`,
          `await fetch(URL, { method: 'POST' });`,
          `await sdk.chat.send({ chatRequest: { model, messages } });`,
        ),
      },
      findings: [
        { file: 'app/chat.jsx', line: 5, column: 7, message: clientComponent('fetch()'), snippet: `await fetch(URL, { method: 'POST' });` },
        {
          file: 'app/chat.jsx',
          line: 6,
          column: 7,
          message: clientComponent('chat.send()'),
          snippet: 'await sdk.chat.send({ chatRequest: { model, messages } });',
        },
      ],
    },
  ];
  it.each(invalid)('finds: $name', async ({ files, findings }) => {
    expect(await findingsOf(check, files)).toEqual(findings.map((finding) => ({ severity: 'error', ...finding })));
  });

  it('finds every way the Next.js fixture ships its key to the browser', async () => {
    const workspace = loadWorkspace({ root: join(FIXTURES, 'exposed-app'), include: [], exclude: [], maxFileSize: 1_000_000 });
    const { findings } = outcomeOf(await check.run(contextFor(check, workspace)));
    expect(findings.map(({ file, line, column, message }) => [file, line, column, message])).toEqual([
      ['.env.local', 2, 1, publicEnv('NEXT_PUBLIC_OPENROUTER_API_KEY', 'NEXT_PUBLIC_')],
      ['app/chat/page.tsx', 9, 30, clientComponent('chat.completions.create()')],
      ['lib/openrouter.ts', 8, 11, publicEnv('NEXT_PUBLIC_OPENROUTER_API_KEY', 'NEXT_PUBLIC_')],
      ['lib/openrouter.ts', 9, 3, BROWSER_CLIENT],
    ]);
  });

  it('states its contract', () => {
    expect([check.id, check.title, check.category, check.kind, check.defaultSeverity]).toEqual([
      'client-exposure',
      'The OpenRouter key stays out of client-side code',
      'security',
      'static',
      'error',
    ]);
  });
});

describe('client-exposure over the request inventory (issue 15)', () => {
  it('finds the OpenRouter call in a script an HTML page loads', async () => {
    const findings = await findingsOf(check, {
      'index.html': `<!doctype html>\n<html><body><script src="./js/script.js" defer></script><script src="https://cdn.example/x.js"></script></body></html>`,
      'js/script.js': lines(
        `const KEY = localStorage.getItem('key');`,
        `async function ask(prompt) {`,
        `  return fetch('${OPENROUTER}/chat/completions', { method: 'POST', headers: { Authorization: 'Bearer ' + KEY }, body: JSON.stringify({ model: 'a/b' }) });`,
        `}`,
      ),
    });
    expect(findings.map(({ file, line, column, message, severity }) => ({ at: `${file}:${line}:${column}`, message, severity }))).toEqual([
      {
        at: 'js/script.js:3:10',
        message: 'fetch() calls OpenRouter from a script index.html loads, so its key must be in the browser; move the call to a server action or route',
        severity: 'error',
      },
    ]);
  });

  it('does not count a server file no page loads', async () => {
    const findings = await findingsOf(check, {
      'index.html': `<script src="/app.js"></script>`,
      'server.js': `fetch('${OPENROUTER}/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'a/b' }) });`,
    });
    expect(findings).toEqual([]);
  });

  it('skips, with the reason, a project that sends nothing to OpenRouter', async () => {
    const workspace = workspaceOf({ 'src/a.ts': `export const add = (a: number, b: number) => a + b;` });
    expect(outcomeOf(await check.run(contextFor(check, workspace)))).toEqual({ findings: [], skipReason: 'no OpenRouter request found in 1 file' });
  });
});
