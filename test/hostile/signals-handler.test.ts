/**
 * The interrupt handler in-process, with the signals emitted rather than sent: what the end-to-end
 * tests cannot time — a run that does not wind down is still ended after the grace period, and a
 * second signal ends it at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleInterrupts, INTERRUPT_GRACE_MS, Interrupted } from '../../src/engine/interrupt.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** The worker's own listeners, set aside so an emitted signal reaches only the handler under test. */
let saved: Map<string, Array<(...args: unknown[]) => void>>;

beforeEach(() => {
  vi.useFakeTimers();
  saved = new Map(SIGNALS.map((name) => [name, process.listeners(name) as Array<(...args: unknown[]) => void>]));
  for (const name of SIGNALS) process.removeAllListeners(name);
});
afterEach(() => {
  for (const name of SIGNALS) {
    process.removeAllListeners(name);
    for (const listener of saved.get(name)!) process.on(name, listener);
  }
  vi.useRealTimers();
});

function install(): { interruption: ReturnType<typeof handleInterrupts>; exits: number[]; cleanups: () => number; stderr: string[] } {
  const exits: number[] = [];
  const stderr: string[] = [];
  let cleanups = 0;
  const interruption = handleInterrupts({
    cleanup: () => void cleanups++,
    stderr: { write: (text: string) => stderr.push(text) } as unknown as NodeJS.WritableStream,
    exit: (code) => void exits.push(code),
  });
  return { interruption, exits, cleanups: () => cleanups, stderr };
}

describe('handleInterrupts', () => {
  it.each([
    { signal: 'SIGINT' as const, code: 130 },
    { signal: 'SIGTERM' as const, code: 143 },
  ])('$signal: one line, the run aborted, temporary files removed, exit $code after the grace period at the latest', ({ signal, code }) => {
    const { interruption, exits, cleanups, stderr } = install();
    expect(interruption.exitCode).toBeUndefined();
    expect(() => interruption.throwIfInterrupted()).not.toThrow();

    process.emit(signal);
    expect(stderr).toEqual(['openrouter-check: interrupted\n']);
    expect(interruption.signal.aborted).toBe(true);
    expect(interruption.exitCode).toBe(code);
    expect(() => interruption.throwIfInterrupted()).toThrow(Interrupted);
    expect(cleanups()).toBe(1);
    expect(exits).toEqual([]);

    vi.advanceTimersByTime(INTERRUPT_GRACE_MS - 1);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([code]);
    expect(cleanups()).toBe(2);
  });

  it("a second signal exits at once, with the first signal's code", () => {
    const { exits, stderr } = install();
    process.emit('SIGINT');
    process.emit('SIGTERM');
    expect(exits).toEqual([130]);
    expect(stderr).toEqual(['openrouter-check: interrupted\n']);
  });

  it('does nothing before a signal', () => {
    const { interruption, exits, stderr } = install();
    vi.advanceTimersByTime(10 * INTERRUPT_GRACE_MS);
    expect(interruption.signal.aborted).toBe(false);
    expect(exits).toEqual([]);
    expect(stderr).toEqual([]);
  });
});
