import { describe, expect, it } from 'vitest';
import { ByteWord } from '../../src/workspace/byte-word.js';

describe('ByteWord', () => {
  const cases: { word: string; text: string; from?: number; index: number }[] = [
    { word: 'chatSend', text: 'client.chatSend(request)', index: 7 },
    { word: 'chatSend', text: 'Send(); chat; chatsend; xchatSend', index: 25 },
    { word: 'chatSend', text: 'Send at the start, no chat before it', index: -1 },
    { word: 'completions', text: 'completions', index: 0 },
    { word: 'completions', text: 'pletions mpletions completion', index: -1 },
    { word: 'sk-or-v1-', text: 'key=sk-or-v2-x sk-or-v1-', index: 15 },
    { word: 'sk-or-v1-', text: '-or-v1- ok-or-v1- sk-or-v1-', from: 5, index: 18 },
    { word: 'sk-or-v1-', text: 'sk-or-v1-a sk-or-v1-b', from: 1, index: 11 },
    { word: 'OpenRouter', text: 'über OpenRouter', index: 6 },
    { word: "'use client'", text: `"use client"; 'use client'`, index: 14 },
  ];
  it.each(cases)('finds $word in "$text" at byte $index', ({ word, text, from, index }) => {
    expect(new ByteWord(word).indexIn(Buffer.from(text), from)).toBe(index);
    expect(new ByteWord(word).isIn(Buffer.from(text))).toBe(Buffer.from(text).includes(word));
  });
});
