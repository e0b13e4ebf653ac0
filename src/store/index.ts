/**
 * Store entry point: PostgreSQL when DATABASE_URL names one, else the embedded SQLite file; migrated and cached.
 * The returned store is ready: migrations are applied before this resolves, or it rejects and holds nothing open.
 */
import { CachedStore } from './cached-store.ts';
import { PostgresStore, type PostgresStoreInput } from './postgres-store.ts';
import { SqliteStore, type SqliteStoreInput } from './sqlite-store.ts';
import type { Store, StoreHooks } from './types.ts';

export type * from './types.ts';
export { CachedStore } from './cached-store.ts';
export { PostgresStore } from './postgres-store.ts';
export { SqliteStore } from './sqlite-store.ts';

export interface CreateStoreOptions extends StoreHooks {
  databaseUrl?: string | undefined;
  dataDir: string;
  cacheEntries?: number | undefined;
  cacheTtlMs?: number | undefined;
  // implementation options beyond the common ones (timeouts, batch sizes), passed through untouched
  postgres?: Omit<PostgresStoreInput, 'url' | keyof StoreHooks>;
  sqlite?: Omit<SqliteStoreInput, 'dataDir' | keyof StoreHooks>;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

export async function createStore(opts: CreateStoreOptions): Promise<CachedStore> {
  const hooks: StoreHooks = { logger: opts.logger, onCommit: opts.onCommit };
  const url = opts.databaseUrl ?? '';
  const usePostgres = POSTGRES_URL.test(url);
  if (url && !usePostgres) {
    // the URL itself may hold a password, so it is not logged
    opts.logger?.warn({}, 'DATABASE_URL is not a postgres:// URL; using the embedded SQLite store');
  }
  const store: Store = usePostgres
    ? new PostgresStore({ ...opts.postgres, ...hooks, url })
    : new SqliteStore({ ...opts.sqlite, ...hooks, dataDir: opts.dataDir });
  try {
    await store.migrate();
    // undefined fields take the schema defaults
    return new CachedStore(store, { maxEntries: opts.cacheEntries, ttlMs: opts.cacheTtlMs });
  } catch (err) {
    store.destroy();
    throw err;
  }
}
