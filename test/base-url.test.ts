import { describe, expect, it } from 'vitest';
import { baseUrlProblem, normalizeBaseUrl, remoteTargetOf } from '../src/config/base-url.js';
import { PLAIN } from './support/plain-http.js';

describe('baseUrlProblem: the one rule for where the key may go', () => {
  it.each(['https://openrouter.ai/api/v1', 'https://gateway.example.com:8443/v1', `${PLAIN}localhost:8080/v1`, `${PLAIN}127.0.0.1:9/`, `${PLAIN}[::1]/v1`])(
    'accepts %s',
    (url) => {
      expect(baseUrlProblem(url)).toBeUndefined();
    },
  );

  it.each([
    [`${PLAIN}example.com/v1`, 'uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])'],
    [`${PLAIN}127.0.0.1.evil.example/v1`, 'uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])'],
    ['ftp://openrouter.ai/api/v1', 'must use https'],
    ['openrouter.ai/api/v1', 'is not a valid URL (such as https://openrouter.ai/api/v1)'],
  ])('refuses %s: %s', (url, problem) => {
    expect(baseUrlProblem(url)).toBe(problem);
  });

  it('normalises spaces and trailing slashes away', () => {
    expect(normalizeBaseUrl(' https://openrouter.ai/api/v1// ')).toBe('https://openrouter.ai/api/v1');
  });
});

describe('remoteTargetOf: where reports say the key went', () => {
  it('names the host, with its port when not the default', () => {
    expect(remoteTargetOf('https://openrouter.ai/api/v1')).toEqual({ host: 'openrouter.ai', baseUrl: 'https://openrouter.ai/api/v1' });
    expect(remoteTargetOf('https://gateway.example.com:8443/openrouter/v1')).toEqual({
      host: 'gateway.example.com:8443',
      baseUrl: 'https://gateway.example.com:8443/openrouter/v1',
    });
  });

  it('leaves out a user name and password written in the URL', () => {
    expect(remoteTargetOf('https://ci-bot:hunter2@gateway.example.com/v1')).toEqual({ host: 'gateway.example.com', baseUrl: 'https://gateway.example.com/v1' });
  });
});
