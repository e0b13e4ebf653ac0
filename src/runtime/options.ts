/**
 * Options once: each runtime component describes its options as a typebox schema with defaults,
 * and fills + checks them here at construction. Only plain data goes through the schema
 * (functions, workerData and signals are taken as given), because Value.Clone would copy them.
 */
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { ConfigError } from '../errors.ts';

export function fillOptions<T extends TSchema>(schema: T, input: object, what: string): Static<T> {
  const filled = Value.Default(schema, Value.Clone(input));
  if (!Value.Check(schema, filled)) {
    const e = Value.Errors(schema, filled).First();
    throw new ConfigError(`${what} option ${e?.path || '/'}: ${e?.message ?? 'invalid'}.`);
  }
  return filled as Static<T>;
}

/** Drops keys whose value is undefined so that schema defaults apply to them. */
export function definedOnly<T extends object>(input: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
