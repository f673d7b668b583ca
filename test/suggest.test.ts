import { describe, expect, it } from 'vitest';
import { closestMatch, closestMatches, editDistance, maxSuggestionDistance } from '../src/engine/suggest.js';

const CHECK_IDS = ['hardcoded-key', 'https-only', 'max-tokens', 'auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['max-tokens', 'max-tokens', 0],
    ['max-tokns', 'max-tokens', 1], // deletion
    ['max-tokenss', 'max-tokens', 1], // insertion
    ['max-tokems', 'max-tokens', 1], // substitution
    ['max-toekns', 'max-tokens', 1], // swapped neighbours count once
    ['ca', 'abc', 3], // optimal string alignment: no edit after a swap
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('maxSuggestionDistance', () => {
  it.each([
    ['a', 1],
    ['api', 1],
    ['scan', 1],
    ['exclud', 2],
    ['max-tokns', 3],
    ['fallback-reachabilty', 6],
  ])('allows %j at most %i edits', (input, distance) => {
    expect(maxSuggestionDistance(input)).toBe(distance);
  });
});

describe('closestMatch', () => {
  it.each([
    ['max-tokns', 'max-tokens'],
    ['max_tokens', 'max-tokens'],
    ['maxTokens', 'max-tokens'],
    ['MAX-TOKENS', 'max-tokens'],
    ['hardcoded-keys', 'hardcoded-key'],
    ['htps-only', 'https-only'],
    ['aut', 'auth'],
    ['fallback-reachabilty', 'fallback-reachability'],
    ['test-compleiton', 'test-completion'],
  ])('suggests %j → %j', (input, expected) => {
    expect(closestMatch(input, CHECK_IDS)).toBe(expected);
  });

  it.each(['latency', 'foo', 'rate-limit', 'tokens', 'key', 'x', ''])('suggests nothing for %j', (input) => {
    expect(closestMatch(input, CHECK_IDS)).toBeUndefined();
  });

  it('suggests a short name only for a one-edit slip', () => {
    expect(closestMatch('ap', ['api', 'scan'])).toBe('api');
    expect(closestMatch('aip', ['api', 'scan'])).toBe('api');
    expect(closestMatch('app', ['api', 'scan'])).toBe('api');
    expect(closestMatch('foo', ['api', 'scan'])).toBeUndefined();
    expect(closestMatch('abc', ['api', 'scan'])).toBeUndefined();
  });

  it('suggests model ids', () => {
    const models = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-3.5-sonnet', 'google/gemini-2.0-flash-001'];
    expect(closestMatch('openai/gpt4o-mini', models)).toBe('openai/gpt-4o-mini');
    expect(closestMatch('anthropic/claude-3.5-sonet', models)).toBe('anthropic/claude-3.5-sonnet');
    expect(closestMatch('meta-llama/llama-3-70b', models)).toBeUndefined();
  });

  it('returns the candidate itself when it is there', () => {
    expect(closestMatch('auth', CHECK_IDS)).toBe('auth');
  });

  it('suggests nothing from no candidates', () => {
    expect(closestMatch('auth', [])).toBeUndefined();
  });

  it('stays fast for a huge input', () => {
    expect(closestMatch('x'.repeat(1_000_000), CHECK_IDS)).toBeUndefined();
  });
});

describe('closestMatches', () => {
  it('lists close candidates, closest first, ties in candidate order', () => {
    const models = ['openai/gpt-4o-mini', 'openai/gpt-4', 'openai/gpt-4o', 'openai/gpt-4.1'];
    // Distances 1, 4, then 5 for both gpt-4 and gpt-4.1: the tie keeps the candidates' order.
    expect(closestMatches('openai/gpt-4o-mni', models)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o', 'openai/gpt-4']);
    expect(closestMatches('openai/gpt-4o-mni', models, 10)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o', 'openai/gpt-4', 'openai/gpt-4.1']);
    expect(closestMatches('openai/gpt-4o-mni', models, 2)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o']);
    expect(closestMatches('openai/gpt-4o-mni', models, 0)).toEqual([]);
  });

  it('accepts any iterable', () => {
    expect(closestMatches('scna', new Set(['scan', 'api']))).toEqual(['scan']);
  });
});
