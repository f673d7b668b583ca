/**
 * The run's budget of paid requests: every attempt of a billable call (a probe completion) takes one
 * slot, retries included, so a long fallback list or a rate-limited model cannot multiply the cost.
 * Set only by the operator (`--max-paid-requests`, `OPENROUTER_CHECK_MAX_PAID_REQUESTS`).
 */

/** At most this many paid requests a run unless the operator says otherwise. */
export const DEFAULT_MAX_PAID_REQUESTS = 10;

/** A slot set aside for one caller: `take()` spends it, `release()` gives it back unused. Both at most once. */
export interface PaidRequestReservation {
  take(): void;
  release(): void;
}

export class PaidRequestBudget {
  readonly limit: number;
  #spent = 0;
  #setAside = 0;

  constructor(limit: number = DEFAULT_MAX_PAID_REQUESTS) {
    if (!(Number.isSafeInteger(limit) && limit >= 0)) throw new TypeError(`the paid-request budget must be a whole number ≥ 0, not ${limit}`);
    this.limit = limit;
  }

  /** Paid requests made so far in the run. */
  get spent(): number {
    return this.#spent;
  }

  /** Why a paid request is not made, for messages: `the run's paid-request budget (10) is spent`. */
  get spentReason(): string {
    return this.limit === 0 ? "the run's paid-request budget is 0" : `the run's paid-request budget (${this.limit}) is spent`;
  }

  /** Takes a slot nobody set aside; false when none is left. */
  take(): boolean {
    if (this.#spent + this.#setAside >= this.limit) return false;
    this.#spent += 1;
    return true;
  }

  /** Sets a slot aside now, so callers that start later cannot spend it; undefined when none is left. */
  reserve(): PaidRequestReservation | undefined {
    if (this.#spent + this.#setAside >= this.limit) return undefined;
    this.#setAside += 1;
    let settled = false;
    const settle = (spend: boolean): void => {
      if (settled) return;
      settled = true;
      this.#setAside -= 1;
      if (spend) this.#spent += 1;
    };
    return { take: () => settle(true), release: () => settle(false) };
  }
}
