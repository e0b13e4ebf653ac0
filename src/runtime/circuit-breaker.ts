/**
 * Circuit breaker: closed → open → half-open → closed.
 *
 * Policy (chosen: consecutive failures, not a rolling ratio): the circuit opens after
 * `failureThreshold` failures in a row; any success in the closed state resets the count. This
 * reacts within a few calls to a dead dependency and needs no clock-bucketed window. After
 * `resetTimeoutMs` in the open state the next `exec` is let through as the single half-open probe;
 * other calls meanwhile get CircuitOpenError. The probe's success closes the circuit, its failure
 * re-opens it for another `resetTimeoutMs`.
 *
 * What counts as a failure: every rejection (deadline errors included) except errors that blame
 * the caller (an EdgeDdxError with a 4xx status) and the caller's own abort — those say nothing
 * about the health of the dependency. Override with `isFailure`.
 *
 * The open → half-open transition is evaluated lazily (on `exec` or on reading `state`), so the
 * breaker owns no timers and needs no close(). `onStateChange` fires synchronously on every
 * transition, for metrics.
 */
import { Type } from '@sinclair/typebox';
import { CircuitOpenError, EdgeDdxError } from '../errors.ts';
import { definedOnly, fillOptions } from './options.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

export const CircuitBreakerOptionsSchema = Type.Object({
  failureThreshold: Type.Integer({ minimum: 1, default: 5 }),
  resetTimeoutMs: Type.Number({ minimum: 0, default: 5000 }),
});

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  resetTimeoutMs?: number;
  isFailure?: (err: unknown) => boolean;
  onStateChange?: (to: CircuitState, from: CircuitState, name: string) => void;
}

export function defaultIsFailure(err: unknown): boolean {
  if (err instanceof EdgeDdxError) return err.status >= 500;
  if (err instanceof Error && err.name === 'AbortError') return false;
  return true;
}

export class CircuitBreaker {
  readonly name: string;
  readonly #threshold: number;
  readonly #resetMs: number;
  readonly #isFailure: (err: unknown) => boolean;
  readonly #onStateChange: CircuitBreakerOptions['onStateChange'];
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(name: string, opts: CircuitBreakerOptions = {}) {
    const o = fillOptions(CircuitBreakerOptionsSchema, definedOnly({ failureThreshold: opts.failureThreshold, resetTimeoutMs: opts.resetTimeoutMs }), `CircuitBreaker ${name}`);
    this.name = name;
    this.#threshold = o.failureThreshold;
    this.#resetMs = o.resetTimeoutMs;
    this.#isFailure = opts.isFailure ?? defaultIsFailure;
    this.#onStateChange = opts.onStateChange;
  }

  get state(): CircuitState {
    if (this.#state === 'open' && performance.now() - this.#openedAt >= this.#resetMs) this.#transition('half-open');
    return this.#state;
  }

  get consecutiveFailures(): number { return this.#failures; }

  async exec<T>(fn: () => Promise<T> | T): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#probing)) throw new CircuitOpenError(this.name);
    const probe = state === 'half-open';
    if (probe) this.#probing = true;
    try {
      const value = await fn();
      this.#onSuccess(probe);
      return value;
    } catch (err) {
      if (this.#isFailure(err)) this.#onFailure();
      else this.#onSuccess(probe); // the dependency answered; the caller was at fault
      throw err;
    } finally {
      if (probe) this.#probing = false;
    }
  }

  /** Forces the circuit closed (an operator action, or after a supervisor recreated the child). */
  reset(): void {
    this.#failures = 0;
    this.#transition('closed');
  }

  // Only the probe may close an open circuit: a late success from a call that started before the
  // circuit opened says little about the dependency now, and letting it close the circuit flaps.
  #onSuccess(probe: boolean): void {
    if (probe) {
      this.#failures = 0;
      this.#transition('closed');
    } else if (this.#state === 'closed') {
      this.#failures = 0;
    }
  }

  #onFailure(): void {
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
      this.#openedAt = performance.now();
      this.#transition('open');
    }
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#onStateChange?.(to, from, this.name);
  }
}
