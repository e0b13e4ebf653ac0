/**
 * MicroBatcher: coalesces single submits into batches for one `flush(items)` call (a model run).
 *
 * When a batch goes out:
 * - `maxBatch` items are waiting → at once;
 * - nothing is in flight → on the next turn of the event loop (setImmediate): a lone item is not
 *   held for the window, and every submit made in the same tick still rides in the same batch;
 * - a batch is in flight but fewer than `maxInFlight` → `maxWaitUs` after the first waiting item
 *   arrived (Node timers have 1 ms granularity, so any window under 1 ms waits about 1 ms);
 * - `maxInFlight` batches are in flight → when one comes back.
 * So under light load latency is one event-loop turn, and under heavy load items pile up while
 * batches are in flight and go out in full batches: throughput grows with load.
 * `maxInFlight` should match the threads that serve `flush` (default: the pool's default thread
 * count); more only queues batches where they can no longer grow.
 *
 * Guarantees for `submit(item, {signal})`: resolves with `results[i]` for the item's position i in
 * its batch (flush must return one result per item, in order, or every item of the batch rejects
 * with INTERNAL); rejects with flush's error for every item of a batch whose flush failed; rejects
 * at once with QueueFullError when `maxQueue` items wait, and with ClosedError after close()/destroy()
 * began. `signal` removes the item while it waits; once its batch left, the caller stops waiting
 * and the result is dropped. Items are passed to flush by reference: the batcher never copies
 * them, and flush owns the array it is given.
 */
import { availableParallelism } from 'node:os';
import { Type } from '@sinclair/typebox';
import { ClosedError, InternalError, QueueFullError } from '../errors.ts';
import { Mailbox } from './mailbox.ts';
import { definedOnly, fillOptions } from './options.ts';
import type { CallContext, Supervisable } from './types.ts';

export const MicroBatcherOptionsSchema = Type.Object({
  name: Type.String({ minLength: 1, default: 'batcher' }),
  maxBatch: Type.Integer({ minimum: 1, default: 32 }),
  maxWaitUs: Type.Number({ minimum: 0, default: 200 }),
  maxQueue: Type.Integer({ minimum: 1, default: 10_000 }),
  maxInFlight: Type.Integer({ minimum: 1, default: Math.max(1, availableParallelism() - 1) }),
  closeTimeoutMs: Type.Number({ minimum: 0, default: 10_000 }),
});

type Filled = { name: string; maxBatch: number; maxWaitUs: number; maxQueue: number; maxInFlight: number; closeTimeoutMs: number };

export interface MicroBatcherOptions<I, O> extends Partial<Filled> {
  flush: (items: I[]) => Promise<O[]>;
}

export interface SubmitOptions {
  signal?: AbortSignal;
}

export interface MicroBatcherStats {
  name: string;
  batches: number;
  items: number;
  meanBatchSize: number;
  queued: number;
  inFlight: number;
  maxQueue: number;
}

interface Entry<I, O> {
  item: I;
  at: number;
  resolve: (v: O) => void;
  reject: (e: unknown) => void;
  unlink: (() => void) | undefined;
  settled: boolean;
  sent: boolean;
}

export class MicroBatcher<I, O> implements Supervisable<I, O> {
  readonly name: string;
  readonly #opts: Filled;
  readonly #flush: (items: I[]) => Promise<O[]>;
  readonly #queue: Mailbox<Entry<I, O>>;
  readonly #sent = new Set<Entry<I, O>[]>();
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #batches = 0;
  #items = 0;
  #closing: Promise<void> | undefined;
  #destroyed = false;
  #onIdle: (() => void) | undefined;

  constructor(opts: MicroBatcherOptions<I, O>) {
    const { flush, ...rest } = opts;
    this.#opts = fillOptions(MicroBatcherOptionsSchema, definedOnly(rest), 'MicroBatcher');
    this.name = this.#opts.name;
    this.#flush = flush;
    this.#queue = new Mailbox(this.#opts.maxQueue, this.name);
  }

  submit(item: I, opts: SubmitOptions = {}): Promise<O> {
    if (this.#closing || this.#destroyed) return Promise.reject(new ClosedError(`Batcher ${this.name}`));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.isFull) return Promise.reject(new QueueFullError(this.name));
    return new Promise<O>((resolve, reject) => {
      const entry: Entry<I, O> = { item, at: performance.now(), resolve, reject, unlink: undefined, settled: false, sent: false };
      if (signal) {
        const onAbort = () => this.#cancel(entry, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.unlink = () => signal.removeEventListener('abort', onAbort);
      }
      this.#queue.push(entry);
      this.#schedule();
    });
  }

  /** The Supervisable face, so a supervisor can close it in order between its producers and its pool. */
  call(item: I, ctx: CallContext): Promise<O> {
    return this.submit(item, { signal: ctx.signal });
  }

  stats(): MicroBatcherStats {
    return {
      name: this.name,
      batches: this.#batches,
      items: this.#items,
      meanBatchSize: this.#batches === 0 ? 0 : this.#items / this.#batches,
      queued: this.#queue.size,
      inFlight: this.#sent.size,
      maxQueue: this.#opts.maxQueue,
    };
  }

  /** Refuses new items, sends what waits without waiting for windows, resolves when all came back; bounded. */
  close(timeoutMs = this.#opts.closeTimeoutMs): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#idle) return resolve();
      const timer = setTimeout(() => { void this.destroy(); }, timeoutMs); // ref'd: close() must resolve in time
      this.#onIdle = () => { clearTimeout(timer); resolve(); };
      this.#schedule();
    });
    return this.#closing;
  }

  /** Rejects every waiting and in-flight item with ClosedError now; late flush results are dropped. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    this.#closing ??= Promise.resolve();
    this.#clearTimers();
    const err = new ClosedError(`Batcher ${this.name}`);
    for (const e of this.#queue.drain()) this.#settle(e, false, err);
    for (const batch of this.#sent) for (const e of batch) this.#settle(e, false, err);
    this.#sent.clear();
    const done = this.#onIdle;
    this.#onIdle = undefined;
    done?.();
  }

  get #idle(): boolean {
    return this.#queue.size === 0 && this.#sent.size === 0;
  }

  #schedule(): void {
    if (this.#destroyed) return;
    while (this.#queue.size > 0 && this.#sent.size < this.#opts.maxInFlight && (this.#queue.size >= this.#opts.maxBatch || this.#closing)) {
      this.#send();
    }
    if (this.#queue.size === 0 || this.#sent.size >= this.#opts.maxInFlight) {
      this.#clearTimers();
      return;
    }
    if (this.#sent.size === 0) {
      this.#immediate ??= setImmediate(() => { this.#immediate = undefined; this.#sendAndReschedule(); });
    } else if (!this.#timer) {
      const waitedMs = performance.now() - this.#queue.peek()!.at;
      this.#timer = setTimeout(() => { this.#timer = undefined; this.#sendAndReschedule(); }, Math.max(0, this.#opts.maxWaitUs / 1000 - waitedMs));
    }
  }

  #sendAndReschedule(): void {
    if (this.#destroyed) return;
    if (this.#queue.size > 0 && this.#sent.size < this.#opts.maxInFlight) this.#send();
    this.#schedule();
  }

  #clearTimers(): void {
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#timer) clearTimeout(this.#timer);
    this.#immediate = undefined;
    this.#timer = undefined;
  }

  #send(): void {
    this.#clearTimers();
    const batch: Entry<I, O>[] = [];
    while (batch.length < this.#opts.maxBatch && this.#queue.size > 0) {
      const e = this.#queue.shift()!;
      e.sent = true;
      batch.push(e);
    }
    this.#sent.add(batch);
    this.#batches++;
    this.#items += batch.length;
    let out: Promise<O[]>;
    try {
      out = this.#flush(batch.map((e) => e.item));
    } catch (err) {
      out = Promise.reject(err);
    }
    Promise.resolve(out).then(
      (results) => this.#done(batch, results),
      (err: unknown) => this.#failed(batch, err),
    );
  }

  #done(batch: Entry<I, O>[], results: O[]): void {
    if (!Array.isArray(results) || results.length !== batch.length) {
      this.#failed(batch, new InternalError(`Batcher ${this.name} flush returned ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} items.`));
      return;
    }
    if (!this.#sent.delete(batch)) return;
    for (let i = 0; i < batch.length; i++) this.#settle(batch[i]!, true, results[i]);
    this.#afterBatch();
  }

  #failed(batch: Entry<I, O>[], err: unknown): void {
    if (!this.#sent.delete(batch)) return;
    for (const e of batch) this.#settle(e, false, err);
    this.#afterBatch();
  }

  #afterBatch(): void {
    this.#schedule();
    if (this.#idle && this.#onIdle) {
      const done = this.#onIdle;
      this.#onIdle = undefined;
      done();
    }
  }

  #cancel(entry: Entry<I, O>, reason: unknown): void {
    if (entry.settled) return;
    if (!entry.sent) this.#queue.remove(entry);
    this.#settle(entry, false, reason);
    if (this.#queue.size === 0) this.#clearTimers();
  }

  #settle(e: Entry<I, O>, ok: boolean, outcome: unknown): void {
    if (e.settled) return;
    e.settled = true;
    e.unlink?.();
    if (ok) e.resolve(outcome as O);
    else e.reject(outcome);
  }
}
