/**
 * Supervisor: owns named children (actors, worker pools, anything Supervisable), and is the one
 * way the coordinator calls them.
 *
 * Guarantees for `call(name, msg, {deadlineMs, signal})`:
 * - It runs through the child's circuit breaker and a deadline: it settles by `deadlineMs` at the
 *   latest, rejecting with DeadlineExceededError and aborting the signal the child was given (so
 *   queued work is dropped). Deadline errors count as breaker failures; a child's 4xx-type errors
 *   do not. While the circuit is open it rejects at once with CircuitOpenError.
 * - A child that is being recreated from its factory, or that the supervisor gave up on, is
 *   refused at once with ChildUnavailableError. A child that restarts in place (a pool) keeps
 *   accepting: its own queue holds the work and the deadline bounds the wait.
 * - After close()/destroy() began, calls reject with ClosedError.
 *
 * Restarts: when a child reports itself broken (onBroken), the supervisor waits an exponential
 * backoff (base·2^n, capped at max, ± jitter) and then calls `child.restart()`, or destroys the
 * child and builds a new one with the factory given to add(). A failed restart is retried with
 * the next, longer backoff; `maxRestarts` failed attempts in a row leave the child 'down'. The
 * attempt counter resets when a call through the child succeeds, so a child that keeps breaking
 * right after each restart is restarted ever more slowly.
 *
 * Shutdown: close() closes children in reverse order of add(), the whole within `closeTimeoutMs`;
 * a child that does not close in the time left is destroyed. So add dependencies first (pools,
 * then batchers feeding them, then the actors that use those): the actors stop taking requests and
 * drain before the pool they rely on closes.
 */
import { Type } from '@sinclair/typebox';
import { CircuitOpenError, ClosedError, EdgeDdxError } from '../errors.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { CircuitState } from './circuit-breaker.ts';
import { withDeadline } from './deadline.ts';
import { definedOnly, fillOptions } from './options.ts';
import type { Supervisable } from './types.ts';

/** A child cannot take calls right now (being recreated, or given up on). */
export class ChildUnavailableError extends EdgeDdxError {
  constructor(child: string) { super('AGENT_UNAVAILABLE', 503, `${child} is restarting or down.`, true); }
}

export const SupervisorOptionsSchema = Type.Object({
  deadlineMs: Type.Number({ exclusiveMinimum: 0, default: 1000 }),
  failureThreshold: Type.Integer({ minimum: 1, default: 5 }),
  resetTimeoutMs: Type.Number({ minimum: 0, default: 5000 }),
  backoffBaseMs: Type.Number({ minimum: 0, default: 100 }),
  backoffMaxMs: Type.Number({ minimum: 0, default: 10_000 }),
  /** Fraction of the delay added or removed at random, so children broken together do not restart in lockstep. */
  backoffJitter: Type.Number({ minimum: 0, maximum: 1, default: 0.2 }),
  maxRestarts: Type.Integer({ minimum: 1, default: Number.MAX_SAFE_INTEGER }),
  closeTimeoutMs: Type.Number({ minimum: 0, default: 10_000 }),
});

type Filled = {
  deadlineMs: number; failureThreshold: number; resetTimeoutMs: number; backoffBaseMs: number;
  backoffMaxMs: number; backoffJitter: number; maxRestarts: number; closeTimeoutMs: number;
};

export interface SupervisorOptions extends Partial<Filled> {
  onCircuitChange?: (child: string, to: CircuitState, from: CircuitState) => void;
  /** Called when a child is marked broken and when a restart attempt fails (for logs and metrics). */
  onRestart?: (child: string, event: { attempt: number; delayMs: number; error?: unknown }) => void;
}

export interface ChildOptions {
  /** Recreates the child (the old one is destroyed first); when given it is preferred over child.restart(). */
  factory?: () => Supervisable | Promise<Supervisable>;
  deadlineMs?: number;
  failureThreshold?: number;
  resetTimeoutMs?: number;
}

export type ChildState = 'up' | 'restarting' | 'down';

export interface ChildHealth {
  state: ChildState;
  circuit: CircuitState;
  restarts: number;
  lastError: string | null;
}

export interface CallOptions {
  deadlineMs?: number;
  /** The caller's own cancellation (client went away); not counted as a child failure. */
  signal?: AbortSignal;
}

interface Entry {
  name: string;
  child: Supervisable;
  factory: ChildOptions['factory'];
  deadlineMs: number;
  breaker: CircuitBreaker;
  state: ChildState;
  restarts: number;
  attempt: number;
  lastError: string | null;
  timer: NodeJS.Timeout | undefined;
  /** Broken again while a restart was under way: that restart did not help. */
  brokenAgain: boolean;
  unsubscribe: (() => void) | undefined;
}

function codeOf(err: unknown): string {
  return err instanceof EdgeDdxError ? err.code : 'INTERNAL';
}

export class Supervisor {
  readonly #opts: Filled;
  readonly #onCircuitChange: SupervisorOptions['onCircuitChange'];
  readonly #onRestart: SupervisorOptions['onRestart'];
  readonly #children = new Map<string, Entry>();
  #closing: Promise<void> | undefined;

  constructor(opts: SupervisorOptions = {}) {
    const { onCircuitChange, onRestart, ...rest } = opts;
    this.#opts = fillOptions(SupervisorOptionsSchema, definedOnly(rest), 'Supervisor');
    this.#onCircuitChange = onCircuitChange;
    this.#onRestart = onRestart;
  }

  add(name: string, child: Supervisable<never, unknown>, opts: ChildOptions = {}): this {
    if (this.#children.has(name)) throw new TypeError(`Supervisor already has a child named ${name}.`);
    if (this.#closing) throw new ClosedError('Supervisor');
    const entry: Entry = {
      name,
      child: child as Supervisable,
      factory: opts.factory,
      deadlineMs: opts.deadlineMs ?? this.#opts.deadlineMs,
      breaker: new CircuitBreaker(name, {
        failureThreshold: opts.failureThreshold ?? this.#opts.failureThreshold,
        resetTimeoutMs: opts.resetTimeoutMs ?? this.#opts.resetTimeoutMs,
        onStateChange: (to, from) => this.#onCircuitChange?.(name, to, from),
      }),
      state: 'up', restarts: 0, attempt: 0, lastError: null, timer: undefined, brokenAgain: false, unsubscribe: undefined,
    };
    this.#children.set(name, entry);
    this.#watch(entry);
    return this;
  }

  /** The current instance of a child (it changes when a factory recreates it). */
  child<T extends Supervisable = Supervisable>(name: string): T {
    return this.#entry(name).child as T;
  }

  async call<Res = unknown>(name: string, msg: unknown, opts: CallOptions = {}): Promise<Res> {
    if (this.#closing) throw new ClosedError('Supervisor');
    const e = this.#entry(name);
    if (e.state === 'down' || (e.state === 'restarting' && !this.#inPlace(e))) throw new ChildUnavailableError(name);
    const deadlineMs = opts.deadlineMs ?? e.deadlineMs;
    const outer = opts.signal;
    if (outer?.aborted) throw outer.reason;
    try {
      const value = await e.breaker.exec(() => {
        const controller = new AbortController();
        const onAbort = () => controller.abort(outer?.reason);
        outer?.addEventListener('abort', onAbort, { once: true });
        const work = e.child.call(msg, { signal: controller.signal, deadline: performance.now() + deadlineMs });
        return withDeadline(work, deadlineMs, name, controller).finally(() => outer?.removeEventListener('abort', onAbort));
      });
      e.attempt = 0;
      return value as Res;
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) e.lastError = codeOf(err);
      throw err;
    }
  }

  health(): Record<string, ChildHealth> {
    const out: Record<string, ChildHealth> = {};
    for (const e of this.#children.values()) {
      out[e.name] = { state: e.state, circuit: e.breaker.state, restarts: e.restarts, lastError: e.lastError };
    }
    return out;
  }

  /** Closes children in reverse order of add(), within closeTimeoutMs in all; stragglers are destroyed. */
  close(timeoutMs = this.#opts.closeTimeoutMs): Promise<void> {
    this.#closing ??= (async () => {
      const end = performance.now() + timeoutMs;
      for (const e of [...this.#children.values()].reverse()) {
        this.#stopWatching(e);
        const left = Math.max(0, end - performance.now());
        try {
          await withDeadline(e.child.close(left), left, `closing ${e.name}`);
        } catch {
          await e.child.destroy().catch(() => undefined);
        }
        e.state = 'down';
      }
    })();
    return this.#closing;
  }

  async destroy(): Promise<void> {
    this.#closing ??= Promise.resolve();
    const all = [...this.#children.values()].reverse();
    for (const e of all) { this.#stopWatching(e); e.state = 'down'; }
    await Promise.allSettled(all.map((e) => e.child.destroy()));
  }

  #entry(name: string): Entry {
    const e = this.#children.get(name);
    if (!e) throw new TypeError(`Supervisor has no child named ${name}.`);
    return e;
  }

  #inPlace(e: Entry): boolean {
    return !e.factory && typeof e.child.restart === 'function';
  }

  #watch(e: Entry): void {
    e.unsubscribe = e.child.onBroken?.((reason) => this.#onBroken(e, reason));
  }

  #stopWatching(e: Entry): void {
    e.unsubscribe?.();
    e.unsubscribe = undefined;
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
  }

  #onBroken(e: Entry, reason: unknown): void {
    if (this.#closing || e.state === 'down') return;
    e.lastError = codeOf(reason);
    if (e.state === 'restarting') {
      e.brokenAgain = true;
      return;
    }
    if (!this.#inPlace(e) && !e.factory) {
      e.state = 'down';
      return;
    }
    e.state = 'restarting';
    this.#schedule(e, undefined);
  }

  #schedule(e: Entry, error: unknown): void {
    const delayMs = this.#backoff(e.attempt);
    this.#onRestart?.(e.name, { attempt: e.attempt + 1, delayMs, ...(error !== undefined ? { error } : {}) });
    e.timer = setTimeout(() => { void this.#restart(e); }, delayMs);
    e.timer.unref();
  }

  #backoff(attempt: number): number {
    const { backoffBaseMs: base, backoffMaxMs: max, backoffJitter: jitter } = this.#opts;
    const raw = Math.min(max, base * 2 ** Math.min(attempt, 30));
    return Math.min(max, Math.max(0, raw * (1 + jitter * (2 * Math.random() - 1))));
  }

  async #restart(e: Entry): Promise<void> {
    e.timer = undefined;
    if (this.#closing) return;
    e.attempt++;
    e.brokenAgain = false;
    try {
      if (e.factory) {
        const old = e.child;
        this.#stopWatching(e);
        await old.destroy().catch(() => undefined);
        e.child = await e.factory();
        this.#watch(e);
      } else {
        await e.child.restart!();
      }
      e.restarts++;
      if (this.#closing) return;
      if (e.brokenAgain) {
        this.#schedule(e, e.lastError);
        return;
      }
      e.state = 'up';
      e.breaker.reset();
    } catch (err) {
      e.lastError = codeOf(err);
      if (this.#closing) return;
      if (e.attempt >= this.#opts.maxRestarts) {
        e.state = 'down';
        return;
      }
      this.#schedule(e, err);
    }
  }
}
