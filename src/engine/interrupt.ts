/**
 * Ctrl-C (SIGINT) and `kill` (SIGTERM) during a run: one line on stderr, the run cancelled (checks
 * and HTTP calls end), no report written, and the conventional exit code 128 + the signal's number.
 * The run gets `INTERRUPT_GRACE_MS` to wind down (connections closed, spinner wiped); a second
 * signal, or the end of the grace, exits at once.
 */

/** 128 + the signal number, as shells report a process a signal ended. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/** Long enough to close sockets, short enough that Ctrl-C feels immediate. */
export const INTERRUPT_GRACE_MS = 500;

/** Thrown where the run would write something after a signal came: nothing more is written. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor(readonly exitCode: number) {
    super('interrupted');
  }
}

export interface Interruption {
  /** Aborted at the first signal: hand it to the run and the HTTP clients. */
  readonly signal: AbortSignal;
  /** The exit code once a signal came, else undefined. */
  readonly exitCode: number | undefined;
  /** Throws `Interrupted` once a signal came: call before writing any output. */
  throwIfInterrupted(): void;
}

export interface InterruptOptions {
  /** Removes what a write in progress left (temporary report files); called before every exit. */
  cleanup: () => void;
  stderr?: NodeJS.WritableStream;
  exit?: (code: number) => void;
}

/** Installs the SIGINT and SIGTERM handlers for one run of the CLI. */
export function handleInterrupts({ cleanup, stderr = process.stderr, exit = (code) => process.exit(code) }: InterruptOptions): Interruption {
  const controller = new AbortController();
  let exitCode: number | undefined;
  const leave = (code: number): void => {
    cleanup();
    exit(code);
  };
  for (const name of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) {
    process.on(name, () => {
      // A second signal: the user does not want to wait for the grace period.
      if (exitCode !== undefined) return leave(exitCode);
      exitCode = SIGNAL_EXIT_CODES[name];
      stderr.write('openrouter-check: interrupted\n');
      controller.abort(new Interrupted(exitCode));
      cleanup();
      // Whatever the run is still doing (a check ignoring its signal), the process goes.
      setTimeout(() => leave(exitCode!), INTERRUPT_GRACE_MS);
    });
  }
  return {
    signal: controller.signal,
    get exitCode() {
      return exitCode;
    },
    throwIfInterrupted() {
      if (exitCode !== undefined) throw new Interrupted(exitCode);
    },
  };
}
