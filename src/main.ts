/**
 * Process entry: configuration → logger/metrics → store → coordinator (agents, pools) → HTTP server.
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (each is bounded by the request deadline),
 * flush the store's group commits, close the pools, exit 0 — all within EDGE_DDX_SHUTDOWN_TIMEOUT_MS, after
 * which the process exits 1 rather than hang.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig, type Config } from './config.ts';
import { createLogger, Metrics } from './observability.ts';
import { createStore } from './store/index.ts';
import { Coordinator } from './actors/coordinator.ts';
import { HttpServer } from './http/server.ts';
import { EdgeDdxError } from './errors.ts';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

/** API keys: EDGE_DDX_ADMIN_KEY, or one generated once into the data directory (mode 0600). */
function apiKeys(cfg: Config, log: ReturnType<typeof createLogger>): string[] {
  if (!cfg.auth) { log.warn('EDGE_DDX_AUTH=off: the API accepts requests WITHOUT an API key. Use only for a local demo.'); return []; }
  if (cfg.adminKey) return [cfg.adminKey];
  const file = join(cfg.dataDir, 'admin.key');
  if (!existsSync(file)) { writeFileSync(file, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 }); chmodSync(file, 0o600); }
  log.info({ key_file: file }, 'no EDGE_DDX_ADMIN_KEY set: using the generated API key in the data directory');
  return [readFileSync(file, 'utf8').trim()];
}

export async function start(cfg: Config = loadConfig()) {
  const logger = createLogger(cfg.logLevel);
  const metrics = new Metrics();
  mkdirSync(cfg.dataDir, { recursive: true });
  const store = await createStore({
    ...(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl } : {}), dataDir: cfg.dataDir, cacheEntries: cfg.cacheEntries, logger,
    onCommit: (ms, batch) => { metrics.storeCommit.observe(ms / 1000); metrics.storeCommitBatch.observe(batch); },
  });
  let engine: Coordinator;
  try {
    engine = await Coordinator.create({ config: cfg, logger, metrics, store });
  } catch (e) {
    await store.close();
    throw e;
  }
  const server = new HttpServer({ config: cfg, engine, logger, metrics, apiKeys: apiKeys(cfg, logger), version: VERSION });
  const port = await server.listen();
  logger.info({ port, host: cfg.host, store: store.kind, pool_threads: cfg.poolThreads, kb_conditions: engine.ckb.conditions.length, version: VERSION }, 'edge-ddx listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      const t0 = Date.now();
      logger.info({ signal, inflight: server.inflightCount }, 'shutting down');
      server.stopAccepting();
      const deadline = t0 + cfg.shutdownTimeoutMs;
      while (server.inflightCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      server.closeSockets();
      await engine.close();
      await store.close();
      logger.info({ ms: Date.now() - t0, unfinished: server.inflightCount }, 'shutdown complete');
    })();
    return stopping;
  };
  return { port, server, engine, store, logger, shutdown };
}

const isMain = import.meta.url === new URL(process.argv[1] ?? '', 'file://').href || process.argv[1]?.endsWith('src/main.ts');
if (isMain) {
  let cfg: Config;
  try { cfg = loadConfig(); } catch (e) {
    console.error(`edge-ddx: invalid configuration: ${(e as Error).message}`);
    process.exit(2);
  }
  start(cfg).then((app) => {
    const onSignal = (sig: string) => {
      const hard = setTimeout(() => { app.logger.error('shutdown timed out'); process.exit(1); }, cfg.shutdownTimeoutMs + 1500);
      hard.unref();
      app.shutdown(sig).then(() => process.exit(0), (e) => { app.logger.error({ err: { type: (e as Error).name } }, 'shutdown failed'); process.exit(1); });
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }, (e) => {
    const msg = e instanceof EdgeDdxError || e instanceof Error ? e.message : String(e);
    console.error(`edge-ddx: failed to start: ${msg}`);
    process.exit(1);
  });
}
