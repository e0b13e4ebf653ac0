/**
 * Worker side of a pool. A worker file is:
 *
 *   import { defineWorker } from '../runtime/pool/worker-entry.ts';
 *   export default defineWorker({ embed: (p: { text: string }) => ..., search: async (p) => ... });
 *
 * Guarantees: the exported function never throws and never rejects for an error a handler raises —
 * it resolves `{ok: true, value}` or the error as ErrorData (an EdgeDdxError keeps its code;
 * anything else becomes INTERNAL with a generic message, so no text that might quote patient
 * input leaves the worker). A rejection the pool sees therefore always means the worker itself
 * was lost, which is what lets the pool retry exactly those.
 *
 * Buffers: a handler may return `Piscina.move(typedArrayOrBuffer)` (or a value already carrying
 * piscina's transferable symbols); the buffer is transferred, not copied, and from then on is
 * owned by the main thread — the handler must not touch it again.
 *
 * Runtime notes: piscina's default `atomics: 'sync'` freezes an idle worker (no timers run between
 * tasks), so a handler must finish its async work before returning. This file imports no HTTP or
 * main-thread module.
 */
import { transferableSymbol, valueSymbol, move } from 'piscina';
import { EdgeDdxError, InternalError } from '../../errors.ts';
import { PING_OP } from './messages.ts';
import type { TaskEnvelope, TaskResult, WorkerHandlers } from './messages.ts';

type Movable = { [transferableSymbol]: unknown; [valueSymbol]: unknown };

function isMovable(x: unknown): x is Movable {
  return typeof x === 'object' && x !== null && transferableSymbol in x && valueSymbol in x;
}

export function errorToData(err: unknown): TaskResult<never> {
  if (err instanceof EdgeDdxError) return err.toData();
  return new InternalError('Worker task failed.').toData();
}

export function defineWorker<H extends WorkerHandlers>(handlers: H): (task: TaskEnvelope) => Promise<TaskResult> {
  return async function dispatch(task: TaskEnvelope): Promise<TaskResult> {
    if (task.op === PING_OP) return { ok: true, value: true };
    const handler = Object.hasOwn(handlers, task.op) ? handlers[task.op] : undefined;
    if (!handler) return new InternalError(`Worker has no handler for op "${String(task.op)}".`).toData();
    try {
      const out = await handler(task.payload);
      if (isMovable(out)) {
        // Re-wrap so the transfer list survives the {ok, value} envelope.
        const wrapped: Movable = { [transferableSymbol]: out[transferableSymbol], [valueSymbol]: { ok: true, value: out[valueSymbol] } };
        return move(wrapped as never) as unknown as TaskResult;
      }
      return { ok: true, value: out };
    } catch (err) {
      return errorToData(err);
    }
  };
}
