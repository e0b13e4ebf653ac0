/**
 * The only types the main-thread side (pool.ts) and the worker side (worker-entry.ts) share.
 * Everything that crosses the thread boundary is structured-cloneable plain data: a task is an
 * envelope naming the handler, a result is `{ok: true, value}` or ErrorData — errors cross as
 * data and the main thread rebuilds the typed error (errorFromData), so no Error object, class
 * or stack ever has to survive cloning.
 */
import type { ErrorData } from '../../errors.ts';

export interface TaskEnvelope<Op extends string = string, P = unknown> {
  op: Op;
  payload: P;
}

export interface TaskOk<V = unknown> {
  ok: true;
  value: V;
}

export type TaskResult<V = unknown> = TaskOk<V> | ErrorData;

// `any` here is the variance escape hatch that lets a concrete handler map be assignable to the
// general one; the pool recovers exact payload and value types from the map it is given.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkerHandler = (payload: any) => unknown;
export type WorkerHandlers = Record<string, WorkerHandler>;

export type OpOf<H extends WorkerHandlers> = keyof H & string;
export type PayloadOf<H extends WorkerHandlers, K extends OpOf<H>> = Parameters<H[K]>[0];
export type ValueOf<H extends WorkerHandlers, K extends OpOf<H>> = Awaited<ReturnType<H[K]>>;
/** Any envelope the handler map accepts, typed per op. */
export type EnvelopeOf<H extends WorkerHandlers> = { [K in OpOf<H>]: TaskEnvelope<K, PayloadOf<H, K>> }[OpOf<H>];

/** Reserved op answered by every defineWorker worker; WorkerPool.ready() uses it to confirm threads loaded. */
export const PING_OP = '__edge_ddx_ping';

export function isTaskResult(x: unknown): x is TaskResult {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as { ok?: unknown; code?: unknown };
  return r.ok === true || (r.ok === false && typeof r.code === 'string');
}
