import { PassThrough } from 'node:stream';
import { clearLine, cursorTo, moveCursor } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { progressEnabled, startProgress } from '../src/cli/progress.js';

// Counts imports of ora; the real module is still what loads.
const oraLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('ora', async (importOriginal) => {
  oraLoads.count++;
  return importOriginal();
});

/** A stream that says it is a terminal and records what is written to it, cursor moves included. */
function fakeTerminal(columns = 80): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  Object.assign(stream, {
    isTTY: true,
    columns,
    rows: 24,
    cursorTo: (x: number, y?: number) => cursorTo(stream, x, y),
    moveCursor: (dx: number, dy: number) => moveCursor(stream, dx, dy),
    clearLine: (dir: -1 | 0 | 1) => clearLine(stream, dir),
  });
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => chunks.join('') };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('startProgress', () => {
  // Runs first: ora must not have been imported by anything before.
  it('when disabled, loads no ora and writes nothing', async () => {
    const terminal = fakeTerminal();
    const progress = await startProgress({ enabled: false, stream: terminal.stream, text: 'reading files' });
    progress.update('running checks');
    progress.stop();
    await settle();
    expect(oraLoads.count).toBe(0);
    expect(terminal.written()).toBe('');
  });

  it('on a terminal that reports no width, draws nothing even when enabled (ora would loop forever)', async () => {
    const terminal = fakeTerminal(0);
    const progress = await startProgress({ enabled: true, stream: terminal.stream, text: 'reading files' });
    progress.update('running checks');
    progress.stop();
    await settle();
    expect(oraLoads.count).toBe(0);
    expect(terminal.written()).toBe('');
  });

  it('when enabled on a terminal, draws frames with the text, and stop() clears the line', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const terminal = fakeTerminal();
      const progress = await startProgress({ enabled: true, stream: terminal.stream, text: 'reading files' });
      expect(oraLoads.count).toBe(1);
      progress.update('running checks\u001b[2J');
      vi.advanceTimersByTime(500);
      await settle();
      const drawn = terminal.written();
      expect(drawn).toContain('reading files');
      expect(drawn).toContain('running checks');
      expect(drawn).not.toContain('\u001b[2J');

      progress.stop();
      progress.stop();
      await settle();
      const after = terminal.written().slice(drawn.length);
      // Back to column 0 and the line erased (readline's CSI G / CSI K), the cursor shown again.
      expect(after).toMatch(/\u001b\[1G/);
      expect(after).toMatch(/\u001b\[0?K/);
      expect(after).toContain('\u001b[?25h');
      progress.update('ignored after stop');
      vi.advanceTimersByTime(500);
      await settle();
      expect(terminal.written().slice(drawn.length)).not.toContain('ignored after stop');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('progressEnabled', () => {
  it.each([
    { name: 'a terminal', isTTY: true, env: {}, enabled: true },
    { name: 'a terminal of no width', isTTY: true, columns: 0, env: {}, enabled: false },
    { name: 'a pipe', isTTY: false, env: {}, enabled: false },
    { name: 'CI', isTTY: true, env: { CI: 'true' }, enabled: false },
    { name: 'CI=1', isTTY: true, env: { CI: '1' }, enabled: false },
    { name: 'CI=false', isTTY: true, env: { CI: 'false' }, enabled: true },
    { name: 'a dumb terminal', isTTY: true, env: { TERM: 'dumb' }, enabled: false },
  ])('$name → $enabled', ({ isTTY, columns, env, enabled }) => {
    expect(progressEnabled({ isTTY, columns: columns ?? 80 }, env)).toBe(enabled);
  });
});
