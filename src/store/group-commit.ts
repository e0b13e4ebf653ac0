/**
 * Group commit: many callers, few transactions.
 *
 * `submit()` queues an item and schedules a flush with setImmediate, so every commit submitted in the same
 * turn of the event loop lands in one transaction. At most one transaction is in flight; commits that arrive
 * while it runs form the next batch. A submit's promise resolves only after the transaction holding its item
 * has committed, and rejects if that transaction failed.
 *
 * A failed batch is retried one item per transaction when `isolate(err)` says the failure may be caused by a
 * single item (a constraint or a value the database refused), so one bad record cannot sink the commits of
 * unrelated requests. Failures of the database itself reject the whole batch at once.
 *
 * Backpressure: at most `maxPending` items are queued or in flight; beyond that submit refuses with QueueFullError.
 */
import { ClosedError, QueueFullError } from '../errors.ts';

interface Pending<T> { item: T; resolve(): void; reject(err: Error): void }

export interface GroupCommitOptions<T> {
  name: string;
  maxPending: number;
  maxBatch: number;
  write(batch: T[]): void | Promise<void>;
  isolate(err: unknown): boolean;
  toError(err: unknown): Error;
  onCommit?: ((ms: number, batch: number) => void) | undefined;
}

export class GroupCommit<T> {
  readonly #o: GroupCommitOptions<T>;
  #queue: Pending<T>[] = [];
  #inFlight = 0;
  #timer: NodeJS.Immediate | null = null;
  #closed = false;
  #idleWaiters: (() => void)[] = [];
  batches = 0;
  lastMs = 0;

  constructor(o: GroupCommitOptions<T>) { this.#o = o; }

  get pending(): number { return this.#queue.length + this.#inFlight; }

  submit(item: T): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError(this.#o.name));
    if (this.pending >= this.#o.maxPending) return Promise.reject(new QueueFullError(this.#o.name));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Refuses new items and resolves once everything accepted so far has been written (or has failed). */
  close(): Promise<void> {
    this.#closed = true;
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses new items and rejects the queued ones now; a transaction already in flight settles on its own. */
  destroy(): void {
    this.#closed = true;
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = null;
    const err = new ClosedError(this.#o.name);
    for (const p of this.#queue.splice(0)) p.reject(err);
    if (this.#inFlight === 0) this.#wakeIdle();
  }

  #schedule(): void {
    if (this.#timer || this.#inFlight) return;
    this.#timer = setImmediate(() => { this.#timer = null; void this.#flush(); });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, this.#o.maxBatch);
    if (batch.length === 0) return;
    this.#inFlight = batch.length;
    try {
      await this.#commit(batch);
    } finally {
      this.#inFlight = 0;
    }
    // yield between batches (setImmediate) so a long queue cannot hold the event loop through one synchronous driver
    if (this.#queue.length) this.#schedule();
    else this.#wakeIdle();
  }

  async #commit(batch: Pending<T>[]): Promise<void> {
    try {
      await this.#write(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length > 1 && this.#o.isolate(err)) {
        for (const p of batch) {
          try { await this.#write([p.item]); p.resolve(); } catch (e) { p.reject(this.#o.toError(e)); }
        }
      } else {
        const e = this.#o.toError(err);
        for (const p of batch) p.reject(e);
      }
    }
  }

  async #write(items: T[]): Promise<void> {
    const t0 = performance.now();
    await this.#o.write(items);
    this.lastMs = performance.now() - t0;
    this.batches++;
    try { this.#o.onCommit?.(this.lastMs, items.length); } catch { /* a metrics hook must not turn a committed write into a failure */ }
  }

  #wakeIdle(): void {
    for (const w of this.#idleWaiters.splice(0)) w();
  }
}
