import { describe, expect, it } from 'vitest';
import { FileCache } from '../src/workspace/file-cache.js';

const bytes = (length: number): Buffer => Buffer.alloc(length, 0x61);

describe('FileCache', () => {
  it('holds at most its budget of bytes and texts, dropping the least recently used first', () => {
    const cache = new FileCache<string>(100);
    cache.putBytes('a', bytes(40));
    cache.putBytes('b', bytes(40));
    expect(cache.bytesOf('a')).toHaveLength(40); // a is now the most recently used
    cache.putBytes('c', bytes(40));
    expect([cache.bytesOf('a'), cache.bytesOf('b'), cache.bytesOf('c')].map((held) => held?.length)).toEqual([40, undefined, 40]);
    cache.putText('a', 'x'.repeat(30));
    // 40 + 30 + 40 > 100: the least recently used entry (a, read before c) goes, text and all.
    expect(cache.textOf('a')).toBeUndefined();
    expect(cache.bytesOf('c')).toHaveLength(40);
  });

  it('never holds a file larger than its budget, nor a text without its bytes', () => {
    const cache = new FileCache<string>(100);
    cache.putBytes('big', bytes(101));
    cache.putText('loose', 'text');
    expect(cache.bytesOf('big')).toBeUndefined();
    expect(cache.textOf('loose')).toBeUndefined();
    cache.putBytes('small', bytes(10));
    cache.putText('small', 'aaaaaaaaaa');
    expect(cache.textOf('small')).toBe('aaaaaaaaaa');
  });
});
