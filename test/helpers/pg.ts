/**
 * PostgreSQL for tests. The server is TEST_DATABASE_URL (default: local trust auth, database `test`).
 * Unreachable server: on CI (CI=true) the test file fails; elsewhere the PostgreSQL suites are skipped with a
 * visible message. Each run works in its own schema, so parallel runs and files never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import postgres from 'postgres';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export async function pgAvailable(url = PG_URL): Promise<{ ok: boolean; url: string; reason?: string }> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3_000); }),
    ]);
    return { ok: true, url: displayUrl(url) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, url: displayUrl(url), reason: e.code ?? e.message ?? String(err) };
  } finally {
    clearTimeout(timer);
    await sql.end({ timeout: 0 });
  }
}

/**
 * `skip` is ready for `describe(name, { skip }, ...)`: false when the server answers, else the message to show.
 * On CI (CI=true) an unreachable server also registers a failing test: CI must not pass by skipping.
 */
export async function requirePgOrSkip(url = PG_URL): Promise<{ url: string; skip: false | string }> {
  const r = await pgAvailable(url);
  if (r.ok) return { url, skip: false };
  const msg = `PostgreSQL not reachable at ${r.url} (${r.reason}): skipped`;
  if (process.env.CI === 'true') {
    test('PostgreSQL is reachable (required when CI=true)', () => {
      throw new Error(`PostgreSQL not reachable at ${r.url} (${r.reason}); set TEST_DATABASE_URL.`);
    });
  } else {
    console.log(msg);
  }
  return { url, skip: msg };
}

/** A fresh schema `edge_test_<random>`; pass `schema` as search_path, call drop() in `after`. */
export async function createTestSchema(url = PG_URL): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `edge_test_${randomBytes(6).toString('hex')}`;
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`create schema ${sql(schema)}`;
  } finally {
    await sql.end({ timeout: 0 });
  }
  return {
    schema,
    async drop() {
      const admin = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
      try {
        await admin`drop schema if exists ${admin(schema)} cascade`;
      } finally {
        await admin.end({ timeout: 0 });
      }
    },
  };
}
