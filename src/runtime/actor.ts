/**
 * In-process actor: a bounded mailbox in front of a handler that runs at most `concurrency`
 * messages at once.
 *
 * Guarantees for `ask(msg, {timeoutMs, signal})`:
 * - It is refused at once with MailboxFullError when `mailbox` messages already wait, and with
 *   ClosedError once close() or destroy() has begun. Nothing is queued without bound.
 * - The deadline covers waiting in the mailbox plus running. When it passes the promise rejects
 *   with DeadlineExceededError, a still-queued message is removed without running, and a running
 *   handler sees `ctx.signal` abort (reason: that error) so it can stop; its late result is dropped.
 *   The caller's own `signal` does the same with the signal's reason.
 * - A handler that is still running after its caller gave up still holds its concurrency slot until
 *   it returns: `running` is honest about the work in progress, so a handler that ignores its
 *   signal slows the actor down instead of letting it overcommit.
 * - Every ask settles exactly once: resolved with the handler's value, or rejected with the
 *   handler's error, a deadline, an abort or a shutdown error.
 * The actor never copies messages; callers and handlers share them, so do not mutate a message
 * after asking.
 */
import { Type } from '@sinclair/typebox';
import { ClosedError, DeadlineExceededError, MailboxFullError } from '../errors.ts';
import { hasDeadline } from './deadline.ts';
import { Mailbox } from './mailbox.ts';
import { definedOnly, fillOptions } from './options.ts';
import type { CallContext, Supervisable } from './types.ts';

export type ActorContext = CallContext;
export type ActorHandler<Req, Res> = (msg: Req, ctx: ActorContext) => Promise<Res> | Res;

export const ActorOptionsSchema = Type.Object({
  mailbox: Type.Integer({ minimum: 1, default: 1024 }),
  concurrency: Type.Integer({ minimum: 1, default: 1 }),
  /** Used when ask() gives no timeoutMs. */
  timeoutMs: Type.Number({ exclusiveMinimum: 0, default: 5000 }),
  closeTimeoutMs: Type.Number({ minimum: 0, default: 5000 }),
});
export type ActorOptions = Partial<{ mailbox: number; concurrency: number; timeoutMs: number; closeTimeoutMs: number }>;

export interface AskOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ActorStats {
  name: string;
  queued: number;
  running: number;
  processed: number;
  failed: number;
  refused: number;
}

interface Job<Req, Res> {
  msg: Req;
  resolve: (v: Res) => void;
  reject: (e: unknown) => void;
  controller: AbortController;
  deadline: number;
  timer: NodeJS.Timeout | undefined;
  unlink: (() => void) | undefined;
  settled: boolean;
  running: boolean;
}

export class Actor<Req, Res> implements Supervisable<Req, Res> {
  readonly name: string;
  readonly #handler: ActorHandler<Req, Res>;
  readonly #opts: { mailbox: number; concurrency: number; timeoutMs: number; closeTimeoutMs: number };
  readonly #mailbox: Mailbox<Job<Req, Res>>;
  readonly #running = new Set<Job<Req, Res>>();
  #processed = 0;
  #failed = 0;
  #refused = 0;
  #pumping = false;
  #closing: Promise<void> | undefined;
  #destroyed = false;
  #onIdle: (() => void) | undefined;

  constructor(name: string, handler: ActorHandler<Req, Res>, opts: ActorOptions = {}) {
    this.name = name;
    this.#handler = handler;
    this.#opts = fillOptions(ActorOptionsSchema, definedOnly(opts), `Actor ${name}`);
    this.#mailbox = new Mailbox(this.#opts.mailbox, name);
  }

  ask(msg: Req, opts: AskOptions = {}): Promise<Res> {
    if (this.#closing || this.#destroyed) return Promise.reject(new ClosedError(`Actor ${this.name}`));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#mailbox.isFull) {
      this.#refused++;
      return Promise.reject(new MailboxFullError(this.name));
    }
    const timeoutMs = opts.timeoutMs ?? this.#opts.timeoutMs;
    return new Promise<Res>((resolve, reject) => {
      const job: Job<Req, Res> = {
        msg, resolve, reject,
        controller: new AbortController(),
        deadline: performance.now() + timeoutMs,
        timer: undefined, unlink: undefined, settled: false, running: false,
      };
      if (hasDeadline(timeoutMs)) {
        // Ref'd on purpose: an ask with a deadline will settle, so it may hold the process until then.
        job.timer = setTimeout(() => this.#giveUp(job, new DeadlineExceededError(`Actor ${this.name}`, timeoutMs)), timeoutMs);
      }
      if (signal) {
        const onAbort = () => this.#giveUp(job, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        job.unlink = () => signal.removeEventListener('abort', onAbort);
      }
      this.#mailbox.push(job);
      this.#pump();
    });
  }

  /** The Supervisable face: the supervisor's deadline and signal become this ask's. */
  call(msg: Req, ctx: CallContext): Promise<Res> {
    return this.ask(msg, { timeoutMs: Math.max(0, ctx.deadline - performance.now()), signal: ctx.signal });
  }

  stats(): ActorStats {
    return {
      name: this.name,
      queued: this.#mailbox.size,
      running: this.#running.size,
      processed: this.#processed,
      failed: this.#failed,
      refused: this.#refused,
    };
  }

  /** Refuses new asks, lets accepted ones finish; after `timeoutMs` whatever is left is destroyed. */
  close(timeoutMs = this.#opts.closeTimeoutMs): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#idle) return resolve();
      // Ref'd: close() promises to resolve within timeoutMs even if nothing else keeps the loop alive.
      const timer = setTimeout(() => { void this.destroy(); }, timeoutMs);
      this.#onIdle = () => { clearTimeout(timer); resolve(); };
    });
    return this.#closing;
  }

  /** Rejects everything queued or running with ClosedError now and aborts running handlers. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    this.#closing ??= Promise.resolve();
    const err = new ClosedError(`Actor ${this.name}`);
    for (const job of this.#mailbox.drain()) this.#giveUp(job, err);
    for (const job of this.#running) this.#giveUp(job, err);
    // Handlers that ignore their signal may still be running; close() must not wait for them.
    const done = this.#onIdle;
    this.#onIdle = undefined;
    done?.();
  }

  get #idle(): boolean {
    return this.#running.size === 0 && this.#mailbox.size === 0;
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#running.size < this.#opts.concurrency && this.#mailbox.size > 0) {
        this.#start(this.#mailbox.shift()!);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #start(job: Job<Req, Res>): void {
    job.running = true;
    this.#running.add(job);
    let out: Promise<Res> | Res;
    try {
      out = this.#handler(job.msg, { signal: job.controller.signal, deadline: job.deadline });
    } catch (err) {
      out = Promise.reject(err);
    }
    Promise.resolve(out).then(
      (value) => this.#finish(job, true, value),
      (err: unknown) => this.#finish(job, false, err),
    );
  }

  #finish(job: Job<Req, Res>, ok: boolean, outcome: unknown): void {
    job.running = false;
    this.#running.delete(job);
    if (!job.settled) {
      this.#settle(job);
      if (ok) { this.#processed++; job.resolve(outcome as Res); } else { this.#failed++; job.reject(outcome); }
    }
    this.#pump();
    this.#maybeIdle();
  }

  // Deadline, caller abort or destroy: the caller is answered now. A queued job leaves the
  // mailbox; a running one keeps its slot (it stays in #running) until the handler returns.
  #giveUp(job: Job<Req, Res>, reason: unknown): void {
    if (job.settled) return;
    this.#settle(job);
    this.#failed++;
    if (!job.running) this.#mailbox.remove(job);
    job.reject(reason);
    job.controller.abort(reason);
    this.#maybeIdle();
  }

  #settle(job: Job<Req, Res>): void {
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    job.unlink?.();
  }

  #maybeIdle(): void {
    if (this.#idle && this.#onIdle) {
      const done = this.#onIdle;
      this.#onIdle = undefined;
      done();
    }
  }
}
