/**
 * Time limits in tests. None measures speed (issue 18: no test asserts on wall-clock time); each is
 * far beyond what its work takes on a loaded 2-core machine, so only a real hang ever meets it.
 *
 * A short per-request limit (`--timeout 400`) is fine only in a run where every request hangs: then
 * the limit always fires, however slow the machine. A run with answered requests keeps a limit no
 * answer comes near (the CLI's default 10 s, or `ANSWERED_REQUEST_TIMEOUT_MS`), so a busy machine
 * cannot turn an answer into a timeout.
 */

/** The per-request limit (`--timeout`, `timeoutMs`) for requests the fake OpenRouter answers. */
export const ANSWERED_REQUEST_TIMEOUT_MS = 30_000;

/** How long a spawned CLI may run before it is killed as hung; vitest's own test timeout is longer. */
export const CLI_HANG_LIMIT_MS = 120_000;
