/** Helpers both store implementations use: options once, timestamps, and errors that carry no row data. */
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { ConfigError, EdgeDdxError, StoreError } from '../errors.ts';

export function fillOptions<T extends TSchema>(schema: T, input: object, what: string): Static<T> {
  const filled = Value.Default(schema, Value.Clone(input));
  if (!Value.Check(schema, filled)) {
    const e = Value.Errors(schema, filled).First();
    throw new ConfigError(`${what} option ${e?.path || '/'}: ${e?.message ?? 'invalid'}.`);
  }
  return filled;
}

/** Normalises to `toISOString()` form so both stores return the same string for the same instant. */
export function isoTimestamp(value: string | Date): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new StoreError('A timestamp given to the store is not a valid date.');
  return d.toISOString();
}

/**
 * Driver errors become StoreError with only the driver's code (SQLSTATE, SQLITE_*, ECONNREFUSED...):
 * driver messages and details can quote the offending row, and rows carry patient data.
 */
export function asStoreError(what: string, err: unknown): EdgeDdxError {
  if (err instanceof EdgeDdxError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const tag = typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : err instanceof Error ? err.name : 'unknown';
  return new StoreError(`Store ${what} failed (${tag}).`);
}

/**
 * Rejects with StoreError once `ms` have passed. The operation itself is not cancelled (a query may still finish
 * on the server); its late result or error is dropped. Drivers' own timeouts do not cover every wait: postgres'
 * connect_timeout, for one, does not cover waiting for a free pooled connection.
 */
export function withDeadline<T>(work: PromiseLike<T>, ms: number, what: string): Promise<T> {
  const p = Promise.resolve(work);
  p.catch(() => {}); // losing the race to the deadline is expected; its rejection is not "unhandled"
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError(`Store ${what} did not finish within ${ms} ms.`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Times a liveness probe; any failure reads as not ok (its detail stays out of health output). */
export async function timedPing(probe: () => unknown): Promise<{ ok: boolean; latencyMs: number }> {
  const t0 = performance.now();
  try {
    await probe();
    return { ok: true, latencyMs: performance.now() - t0 };
  } catch {
    return { ok: false, latencyMs: performance.now() - t0 };
  }
}
