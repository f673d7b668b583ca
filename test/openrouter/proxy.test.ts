import { describe, expect, it } from 'vitest';
import { bypasses, maskUrlCredentials, proxyFor } from '../../src/openrouter/proxy.js';
import type { ProxyChoice } from '../../src/openrouter/proxy.js';

const OPENROUTER = new URL('https://openrouter.ai/api/v1');

/** What a choice shows: the variable and the masked URL, or the problem; never the URL object. */
function shown(choice: ProxyChoice): { variable: string; shown: string } | { variable: string; problem: string } | 'direct' {
  if (!choice.ok) return { variable: choice.variable, problem: choice.problem };
  return choice.proxy ? { variable: choice.proxy.variable, shown: choice.proxy.shown } : 'direct';
}

describe('proxyFor: which variable, for which base URL', () => {
  it.each<{ name: string; target?: URL; env: Record<string, string>; expected: ReturnType<typeof shown> }>([
    { name: 'no variable: direct', env: {}, expected: 'direct' },
    { name: 'HTTPS_PROXY', env: { HTTPS_PROXY: 'http://proxy.corp:3128' }, expected: { variable: 'HTTPS_PROXY', shown: 'http://proxy.corp:3128' } },
    {
      name: 'lowercase wins over uppercase',
      env: { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128' },
      expected: { variable: 'https_proxy', shown: 'http://lower:3128' },
    },
    {
      name: 'an empty value counts as unset',
      env: { https_proxy: ' ', HTTPS_PROXY: 'http://upper:3128' },
      expected: { variable: 'HTTPS_PROXY', shown: 'http://upper:3128' },
    },
    {
      name: 'HTTP_PROXY serves https when HTTPS_PROXY is unset (as undici and npm read it)',
      env: { HTTP_PROXY: 'http://proxy.corp:8080' },
      expected: { variable: 'HTTP_PROXY', shown: 'http://proxy.corp:8080' },
    },
    {
      name: 'HTTPS_PROXY wins over HTTP_PROXY for https',
      env: { HTTP_PROXY: 'http://plain:8080', HTTPS_PROXY: 'http://secure:3128' },
      expected: { variable: 'HTTPS_PROXY', shown: 'http://secure:3128' },
    },
    { name: 'an https proxy', env: { HTTPS_PROXY: 'https://proxy.corp' }, expected: { variable: 'HTTPS_PROXY', shown: 'https://proxy.corp' } },
    { name: 'no scheme means http', env: { HTTPS_PROXY: 'proxy.corp:3128' }, expected: { variable: 'HTTPS_PROXY', shown: 'http://proxy.corp:3128' } },
    {
      name: 'credentials are masked, user and password alike',
      env: { HTTPS_PROXY: 'http://me:s3cret@proxy.corp:3128/' },
      expected: { variable: 'HTTPS_PROXY', shown: 'http://***@proxy.corp:3128' },
    },
    {
      name: 'a user alone is masked too',
      env: { HTTPS_PROXY: 'http://me@proxy.corp:3128' },
      expected: { variable: 'HTTPS_PROXY', shown: 'http://***@proxy.corp:3128' },
    },
    {
      name: 'a loopback base URL never goes through a proxy',
      target: new URL('https://127.0.0.1:8443/api/v1'),
      env: { HTTPS_PROXY: 'http://proxy.corp:3128' },
      expected: 'direct',
    },
    {
      name: 'nor localhost over plain http',
      target: new URL('http://localhost:8080/api/v1'),
      env: { HTTP_PROXY: 'http://proxy.corp:3128' },
      expected: 'direct',
    },
    { name: 'nor [::1]', target: new URL('https://[::1]:8443/api/v1'), env: { HTTPS_PROXY: 'http://proxy.corp:3128' }, expected: 'direct' },
    { name: 'NO_PROXY naming the host', env: { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'openrouter.ai' }, expected: 'direct' },
    {
      name: 'a bad proxy URL is not looked at when NO_PROXY bypasses it',
      env: { HTTPS_PROXY: 'socks5://proxy.corp', NO_PROXY: 'openrouter.ai' },
      expected: 'direct',
    },
    {
      name: 'a socks proxy is refused, naming the variable, credentials masked',
      env: { HTTPS_PROXY: 'socks5://me:s3cret@proxy.corp:1080' },
      expected: { variable: 'HTTPS_PROXY', problem: '"socks5://***@proxy.corp:1080": a socks5 proxy is not supported, only http:// and https:// ones' },
    },
    {
      name: 'an unparseable URL is refused, credentials masked',
      env: { HTTPS_PROXY: 'http://me:s3cret@proxy corp' },
      expected: { variable: 'HTTPS_PROXY', problem: '"http://***@proxy corp" is not a proxy URL: expected http://host:port' },
    },
  ])('$name', ({ target = OPENROUTER, env, expected }) => {
    expect(shown(proxyFor(target, env))).toEqual(expected);
  });

  it('keeps the credentials in the URL given to undici: the proxy needs them', () => {
    const choice = proxyFor(OPENROUTER, { HTTPS_PROXY: 'http://me:s3cret@proxy.corp:3128' });
    expect(choice.ok && choice.proxy?.url.href).toBe('http://me:s3cret@proxy.corp:3128/');
  });
});

describe('bypasses: NO_PROXY', () => {
  it.each<[string, string, number, boolean]>([
    ['', 'openrouter.ai', 443, false],
    ['*', 'openrouter.ai', 443, true],
    ['openrouter.ai', 'openrouter.ai', 443, true],
    ['OpenRouter.AI', 'openrouter.ai', 443, true],
    ['openrouter.ai', 'api.openrouter.ai', 443, true],
    ['.openrouter.ai', 'openrouter.ai', 443, true],
    ['*.openrouter.ai', 'api.openrouter.ai', 443, true],
    ['router.ai', 'openrouter.ai', 443, false],
    ['openrouter.ai:443', 'openrouter.ai', 443, true],
    ['openrouter.ai:8443', 'openrouter.ai', 443, false],
    ['localhost, example.com  openrouter.ai', 'openrouter.ai', 443, true],
    ['example.com,,internal', 'openrouter.ai', 443, false],
    ['10.0.0.5', '10.0.0.5', 443, true],
    ['[2001:db8::1]:443', '[2001:db8::1]', 443, true],
    ['2001:db8::1', '[2001:db8::1]', 443, true],
  ])('NO_PROXY=%j, %s:%i → %s', (noProxy, hostname, port, expected) => {
    expect(bypasses(noProxy, hostname, port)).toBe(expected);
  });
});

describe('maskUrlCredentials', () => {
  it.each([
    ['connect to http://me:s3cret@proxy.corp:3128 failed', 'connect to http://***@proxy.corp:3128 failed'],
    ['https://token@host/path and http://a:b@c', 'https://***@host/path and http://***@c'],
    ['no credentials: http://proxy.corp:3128/a@b', 'no credentials: http://proxy.corp:3128/a@b'],
    ['user:password@ before the host', 'user:password@ before the host'],
  ])('%s', (text, expected) => {
    expect(maskUrlCredentials(text)).toBe(expected);
  });
});
