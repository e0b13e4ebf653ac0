/**
 * Main-thread side of a supervised piscina pool (the worker side is worker-entry.ts; the two share
 * only messages.ts).
 *
 * Queueing: the pool keeps its own bounded FIFO (`maxQueue`) and hands piscina at most one task
 * per thread, so piscina's internal queue never grows and "queued" vs "running" is known exactly.
 * That is what makes cancellation safe: `signal` removes a task only while it waits in our queue;
 * a task handed to a worker is never aborted (piscina would terminate the worker, and native code
 * in it may take the process down). An abort after dispatch answers the caller with the signal's
 * reason and lets the task finish; its result is dropped.
 *
 * Guarantees for `run(task)`:
 * - Resolves with the handler's value, or rejects with the handler's error rebuilt from ErrorData
 *   (same class and code as thrown in the worker, for codes in the registry).
 * - Rejects at once with QueueFullError when `maxQueue` tasks already wait, and with ClosedError
 *   once close()/destroy() has begun.
 * - If the worker running the task is lost (exit, uncaught error, restart), the task is run once
 *   more on another worker; if that attempt is lost too it rejects with WorkerCrashedError. A task
 *   sent with a `transferList` is not retried (its buffers went to the dead thread). Every run()
 *   settles; none is left waiting on a thread that no longer exists.
 *
 * Health: piscina replaces a worker that dies after start-up, but stops replacing workers once one
 * fails while starting. After every worker exit the pool checks the live thread count; if it stayed
 * below `threads` the pool marks itself broken and tells `onBroken` listeners (the Supervisor), who
 * call `restart()`: a new piscina is created, the old one destroyed, in-flight tasks are retried on
 * the new one and queued tasks keep their place. While broken, only live threads get work.
 *
 * Buffers: a task's payload is structured-cloned into the worker unless listed in `transferList`,
 * in which case the caller hands ownership over. Values returned with Piscina.move() arrive
 * transferred and belong to the caller.
 */
import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Type } from '@sinclair/typebox';
import { ClosedError, InternalError, QueueFullError, WorkerCrashedError, errorFromData } from '../../errors.ts';
import { Mailbox } from '../mailbox.ts';
import { definedOnly, fillOptions } from '../options.ts';
import type { CallContext, Supervisable } from '../types.ts';
import { PING_OP, isTaskResult } from './messages.ts';
import type { EnvelopeOf, OpOf, PayloadOf, TaskEnvelope, ValueOf, WorkerHandlers } from './messages.ts';

export const DEFAULT_THREADS = Math.max(1, availableParallelism() - 1);
const MAX_ATTEMPTS = 2;

export const WorkerPoolOptionsSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  /** Absolute path of the worker module (a file: URL is converted before the check). */
  filename: Type.String({ minLength: 1 }),
  /** minThreads = maxThreads: model pools keep their sessions warm and never scale down. */
  threads: Type.Integer({ minimum: 1, default: DEFAULT_THREADS }),
  maxQueue: Type.Integer({ minimum: 0, default: 1024 }),
  closeTimeoutMs: Type.Number({ minimum: 0, default: 30_000 }),
});

export interface WorkerPoolOptions {
  name: string;
  filename: string | URL;
  threads?: number;
  maxQueue?: number;
  closeTimeoutMs?: number;
  /** Passed to every worker as piscina's `workerData` (structured-cloned; SharedArrayBuffers are shared). */
  workerData?: unknown;
}

export interface RunOptions {
  /** Cancels the task while it is queued; after dispatch only the caller stops waiting. */
  signal?: AbortSignal;
  /** Buffers whose ownership moves to the worker; such a task is not retried after a crash. */
  transferList?: TransferListItem[];
}

export interface WorkerPoolStats {
  name: string;
  threads: number;
  queueSize: number;
  maxQueue: number;
  running: number;
  utilization: number;
  completed: number;
  failed: number;
  crashed: number;
  retried: number;
  broken: boolean;
}

interface Job {
  task: TaskEnvelope;
  transferList: TransferListItem[] | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  unlink: (() => void) | undefined;
  attempts: number;
  dispatched: boolean;
  settled: boolean;
}

type Filled = { name: string; filename: string; threads: number; maxQueue: number; closeTimeoutMs: number };

export class WorkerPool<H extends WorkerHandlers = WorkerHandlers> implements Supervisable<EnvelopeOf<H>, unknown> {
  readonly name: string;
  readonly #opts: Filled;
  readonly #workerData: unknown;
  readonly #queue: Mailbox<Job>;
  readonly #retries: Job[] = [];
  readonly #running = new Set<Job>();
  readonly #brokenListeners = new Set<(reason: unknown) => void>();
  readonly #drainListeners = new Set<() => void>();
  #piscina: Piscina;
  #generation = 0;
  #broken = false;
  #lastError: unknown;
  #completed = 0;
  #failed = 0;
  #crashed = 0;
  #retried = 0;
  #wasFull = false;
  #closing: Promise<void> | undefined;
  #destroyed = false;
  #onIdle: (() => void) | undefined;

  constructor(opts: WorkerPoolOptions) {
    const { workerData, filename, ...rest } = opts;
    const path = filename instanceof URL || filename.startsWith('file:') ? fileURLToPath(filename) : filename;
    this.#opts = fillOptions(WorkerPoolOptionsSchema, definedOnly({ ...rest, filename: path }), `WorkerPool ${opts.name}`);
    this.name = this.#opts.name;
    this.#workerData = workerData;
    this.#queue = new Mailbox(this.#opts.maxQueue, this.name);
    this.#piscina = this.#create();
  }

  run<K extends OpOf<H>>(task: TaskEnvelope<K, PayloadOf<H, K>>, opts?: RunOptions): Promise<ValueOf<H, K>>;
  run<K extends OpOf<H>>(op: K, payload: PayloadOf<H, K>, opts?: RunOptions): Promise<ValueOf<H, K>>;
  run(a: TaskEnvelope | string, b?: unknown, c?: RunOptions): Promise<unknown> {
    return typeof a === 'string' ? this.#run({ op: a, payload: b }, c ?? {}) : this.#run(a, (b as RunOptions | undefined) ?? {});
  }

  /**
   * Resolves once every thread has loaded the worker module and answered (a reserved ping op that
   * defineWorker adds). piscina reports its first workers ready before they have loaded anything,
   * so this is the only way to learn at start-up that the worker file is sound.
   */
  async ready(): Promise<void> {
    const n = this.#opts.threads;
    await Promise.all(Array.from({ length: n }, () => this.#run({ op: PING_OP, payload: null }, {})));
  }

  #run(task: TaskEnvelope, opts: RunOptions): Promise<unknown> {
    if (this.#closing || this.#destroyed) return Promise.reject(new ClosedError(`Pool ${this.name}`));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const direct = this.#queue.size === 0 && this.#running.size < this.#capacity;
    if (!direct && this.#queue.isFull) return Promise.reject(new QueueFullError(this.name));
    return new Promise<unknown>((resolve, reject) => {
      const job: Job = {
        task, transferList: opts.transferList, resolve, reject,
        unlink: undefined, attempts: 0, dispatched: false, settled: false,
      };
      if (signal) {
        const onAbort = () => this.#cancel(job, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        job.unlink = () => signal.removeEventListener('abort', onAbort);
      }
      if (direct) this.#dispatch(job);
      else this.#queue.push(job);
    });
  }

  call(msg: EnvelopeOf<H>, ctx: CallContext): Promise<unknown> {
    return this.#run(msg, { signal: ctx.signal });
  }

  /** True while every thread is busy: new work would wait in the queue. See onDrain. */
  get needsDrain(): boolean {
    return this.#running.size >= this.#capacity || this.#queue.size > 0;
  }

  get broken(): boolean { return this.#broken; }
  get lastError(): unknown { return this.#lastError; }

  stats(): WorkerPoolStats {
    return {
      name: this.name,
      threads: this.#piscina.threads.length,
      queueSize: this.#queue.size + this.#retries.length,
      maxQueue: this.#opts.maxQueue,
      running: this.#running.size,
      utilization: this.#piscina.utilization,
      completed: this.#completed,
      failed: this.#failed,
      crashed: this.#crashed,
      retried: this.#retried,
      broken: this.#broken,
    };
  }

  onBroken(listener: (reason: unknown) => void): () => void {
    this.#brokenListeners.add(listener);
    return () => this.#brokenListeners.delete(listener);
  }

  onDrain(listener: () => void): () => void {
    this.#drainListeners.add(listener);
    return () => this.#drainListeners.delete(listener);
  }

  /** New piscina first, then destroy the old one, so its lost tasks retry on the new threads. */
  async restart(): Promise<void> {
    if (this.#closing || this.#destroyed) throw new ClosedError(`Pool ${this.name}`);
    const old = this.#piscina;
    this.#generation++;
    this.#piscina = this.#create();
    this.#broken = false;
    this.#pump();
    // Let tasks still running on the old live threads finish: terminating a thread inside a native call
    // (onnxruntime's session.run) aborts the whole process. Only a thread stuck past the close timeout is
    // terminated, as a last resort.
    const closed = await Promise.race([old.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), this.#opts.closeTimeoutMs).unref())]);
    if (!closed) await old.destroy();
  }

  /** Refuses new work, finishes queued and running tasks, then closes the threads; bounded. */
  close(timeoutMs = this.#opts.closeTimeoutMs): Promise<void> {
    this.#closing ??= (async () => {
      const idle = await new Promise<boolean>((resolve) => {
        if (this.#idle) return resolve(true);
        const timer = setTimeout(() => resolve(false), timeoutMs); // ref'd: close() must resolve in time
        this.#onIdle = () => { clearTimeout(timer); resolve(true); };
      });
      if (!idle || this.#destroyed) return this.destroy();
      this.#generation++;
      await this.#piscina.close();
    })();
    return this.#closing;
  }

  /** Rejects everything queued or running with ClosedError and terminates the threads now. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#closing ??= Promise.resolve();
    this.#generation++;
    const err = new ClosedError(`Pool ${this.name}`);
    for (const job of [...this.#queue.drain(), ...this.#retries.splice(0), ...this.#running]) this.#settle(job, err, false);
    this.#running.clear();
    const done = this.#onIdle;
    this.#onIdle = undefined;
    done?.();
    await this.#piscina.destroy();
  }

  get #capacity(): number {
    return this.#broken ? Math.min(this.#opts.threads, this.#piscina.threads.length) : this.#opts.threads;
  }

  get #idle(): boolean {
    return this.#queue.size === 0 && this.#retries.length === 0 && this.#running.size === 0;
  }

  #create(): Piscina {
    const gen = this.#generation;
    const p = new Piscina({
      filename: this.#opts.filename,
      minThreads: this.#opts.threads,
      maxThreads: this.#opts.threads,
      idleTimeout: Infinity,
      maxQueue: Infinity, // bounded by our own queue: piscina never holds more than one task per thread
      concurrentTasksPerWorker: 1,
      closeTimeout: this.#opts.closeTimeoutMs,
      workerData: this.#workerData,
    });
    // Without a listener an 'error' (a worker dying with no task) would be thrown by the emitter.
    p.on('error', (err: unknown) => { if (gen === this.#generation) this.#lastError = err; });
    // piscina removes the dead worker and, if it will, adds its replacement in the same tick.
    p.on('workerDestroy', () => setImmediate(() => this.#checkThreads(gen)));
    return p;
  }

  #checkThreads(gen: number): void {
    if (gen !== this.#generation || this.#closing || this.#destroyed || this.#broken) return;
    const live = this.#piscina.threads.length;
    if (live >= this.#opts.threads) return;
    this.#broken = true;
    const reason = this.#lastError ?? new WorkerCrashedError(this.name);
    for (const l of this.#brokenListeners) l(reason);
  }

  #dispatch(job: Job): void {
    job.dispatched = true;
    job.attempts++;
    this.#running.add(job);
    const gen = this.#generation;
    const opts = job.transferList ? { transferList: job.transferList as never } : {};
    this.#piscina.run(job.task, opts).then(
      (res: unknown) => this.#onAnswer(job, res),
      (err: unknown) => this.#onLost(job, err, gen),
    );
  }

  #onAnswer(job: Job, res: unknown): void {
    this.#running.delete(job);
    if (!isTaskResult(res)) {
      this.#failed++;
      this.#settle(job, new InternalError(`Pool ${this.name} worker returned a value that is not a TaskResult; use defineWorker.`), false);
    } else if (res.ok) {
      this.#completed++;
      this.#settle(job, res.value, true);
    } else {
      this.#failed++;
      this.#settle(job, errorFromData(res), false);
    }
    this.#afterSettle();
  }

  #onLost(job: Job, err: unknown, gen: number): void {
    this.#running.delete(job);
    if (this.#destroyed) return;
    this.#crashed++;
    if (gen === this.#generation) this.#lastError = err;
    if (!job.settled && job.attempts < MAX_ATTEMPTS && !job.transferList) {
      this.#retried++;
      this.#retries.push(job);
    } else {
      this.#settle(job, new WorkerCrashedError(this.name), false);
    }
    this.#afterSettle();
  }

  #cancel(job: Job, reason: unknown): void {
    if (job.settled) return;
    if (!job.dispatched) this.#queue.remove(job);
    const r = this.#retries.indexOf(job);
    if (r !== -1) this.#retries.splice(r, 1);
    this.#settle(job, reason, false);
    this.#afterSettle();
  }

  #settle(job: Job, outcome: unknown, ok: boolean): void {
    if (job.settled) return;
    job.settled = true;
    job.unlink?.();
    if (ok) job.resolve(outcome);
    else job.reject(outcome);
  }

  #afterSettle(): void {
    this.#pump();
    const full = this.needsDrain;
    if (this.#wasFull && !full) for (const l of this.#drainListeners) l();
    this.#wasFull = full;
    if (this.#idle && this.#onIdle) {
      const done = this.#onIdle;
      this.#onIdle = undefined;
      done();
    }
  }

  #pump(): void {
    if (this.#destroyed) return;
    while (this.#running.size < this.#capacity) {
      const job = this.#retries.shift() ?? this.#queue.shift();
      if (!job) break;
      if (!job.settled) this.#dispatch(job);
    }
    this.#wasFull ||= this.needsDrain;
  }
}
