import { printable } from '../reporters/printable.js';

/** A line on stderr saying what the run is doing; stopped (and wiped) before any report is written. */
export interface Progress {
  /** Replaces the spinner's text. */
  update(text: string): void;
  /** Clears the spinner's line and restores the cursor; safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  /** Usually `progressEnabled(process.stderr)`: when false nothing is loaded and nothing is written. */
  enabled: boolean;
  /** Where the spinner draws: stderr, so it never mixes with a report on stdout. */
  stream: NodeJS.WriteStream;
  /** The first text shown. */
  text?: string;
}

/** The no-op progress of a run that is piped, in CI, or on a dumb terminal. */
const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * Whether a spinner belongs on this stream: a terminal a person watches. Not when piped or
 * redirected, not in CI (`CI` set, as every CI service does), not on a `TERM=dumb` terminal, not
 * on a terminal of no width.
 */
export function progressEnabled(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return stream.isTTY === true && hasWidth(stream) && !ci && env.TERM !== 'dumb';
}

/**
 * A terminal that reports no width (a pty nobody sized: `script`, some editors' shells) would send
 * ora's line clearing into an endless loop: no spinner there.
 */
function hasWidth(stream: { columns?: number }): boolean {
  return typeof stream.columns === 'number' && stream.columns > 0;
}

/**
 * Starts a spinner on `stream` when enabled. ora is imported only then, so `--version`, pipes and
 * CI never load it. stdin is left alone (no raw mode): Ctrl-C keeps its usual meaning even while
 * a check blocks the event loop.
 */
export async function startProgress(options: ProgressOptions): Promise<Progress> {
  // The width is checked here too: whoever decided `enabled`, a zero-width stream must not hang the run.
  if (!options.enabled || !hasWidth(options.stream)) return SILENT;
  const { default: ora } = await import('ora');
  // Enabled is already decided: ora must not second-guess it from CI or the stream.
  const spinner = ora({ stream: options.stream, isEnabled: true, discardStdin: false, text: printable(options.text ?? '') }).start();
  let stopped = false;
  return {
    update(text) {
      if (!stopped) spinner.text = printable(text);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      spinner.stop();
    },
  };
}
