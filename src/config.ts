/**
 * Configuration from the environment, validated once at start. A bad value stops the process with a message
 * that names the variable and what it accepts; nothing else in the code reads process.env.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from './errors.ts';

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  host: Type.String({ minLength: 1, default: '0.0.0.0' }),
  dataDir: Type.String({ minLength: 1, default: './data' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  auth: Type.Boolean({ default: true }),
  adminKey: Type.Optional(Type.String({ minLength: 16 })),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 64 * 1024 }),
  requestTimeoutMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 2_000 }),
  poolThreads: Type.Integer({ minimum: 1, maximum: 64, default: Math.max(1, availableParallelism() - 1) }),
  poolMaxQueue: Type.Integer({ minimum: 1, maximum: 100_000, default: 1024 }),
  batchMax: Type.Integer({ minimum: 1, maximum: 256, default: 32 }),
  batchWaitUs: Type.Integer({ minimum: 0, maximum: 100_000, default: 200 }),
  maxInflight: Type.Integer({ minimum: 1, maximum: 100_000, default: 2048 }),
  shutdownTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 8_000 }),
  cacheEntries: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
}, { additionalProperties: false });
export type Config = Static<typeof ConfigSchema>;

const ENV: Record<string, { key: keyof Config; kind: 'int' | 'str' | 'bool' }> = {
  PORT: { key: 'port', kind: 'int' },
  HOST: { key: 'host', kind: 'str' },
  EDGE_DDX_DATA_DIR: { key: 'dataDir', kind: 'str' },
  DATABASE_URL: { key: 'databaseUrl', kind: 'str' },
  EDGE_DDX_AUTH: { key: 'auth', kind: 'bool' },
  EDGE_DDX_ADMIN_KEY: { key: 'adminKey', kind: 'str' },
  LOG_LEVEL: { key: 'logLevel', kind: 'str' },
  EDGE_DDX_BODY_LIMIT: { key: 'bodyLimitBytes', kind: 'int' },
  EDGE_DDX_REQUEST_TIMEOUT_MS: { key: 'requestTimeoutMs', kind: 'int' },
  EDGE_DDX_POOL_THREADS: { key: 'poolThreads', kind: 'int' },
  EDGE_DDX_POOL_MAX_QUEUE: { key: 'poolMaxQueue', kind: 'int' },
  EDGE_DDX_BATCH_MAX: { key: 'batchMax', kind: 'int' },
  EDGE_DDX_BATCH_WAIT_US: { key: 'batchWaitUs', kind: 'int' },
  EDGE_DDX_MAX_INFLIGHT: { key: 'maxInflight', kind: 'int' },
  EDGE_DDX_SHUTDOWN_TIMEOUT_MS: { key: 'shutdownTimeoutMs', kind: 'int' },
  EDGE_DDX_CACHE_ENTRIES: { key: 'cacheEntries', kind: 'int' },
};

/** Reads and validates the configuration; throws ConfigError naming the offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, { key, kind }] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (kind === 'int') {
      if (!/^-?\d+$/.test(v.trim())) throw new ConfigError(`${name} must be an integer, got '${v}'.`);
      raw[key] = Number(v);
    } else if (kind === 'bool') {
      const b = v.trim().toLowerCase();
      if (!['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'].includes(b)) throw new ConfigError(`${name} must be on or off, got '${v}'.`);
      raw[key] = ['on', 'true', '1', 'yes'].includes(b);
    } else raw[key] = v;
  }
  Object.assign(raw, overrides);
  const cfg = Value.Default(ConfigSchema, raw) as Config;
  const errors = [...Value.Errors(ConfigSchema, cfg)];
  if (errors.length) {
    const e = errors[0];
    const key = e.path.replace(/^\//, '');
    const name = Object.entries(ENV).find(([, d]) => d.key === key)?.[0] ?? key;
    const secret = key === 'databaseUrl' || key === 'adminKey';
    throw new ConfigError(`${name}: ${e.message}${secret ? '' : ` (got ${JSON.stringify(e.value)})`}.`);
  }
  cfg.dataDir = resolve(cfg.dataDir);
  return cfg;
}

/** The variables and what they mean, for the README and `--help`. */
export const CONFIG_VARIABLES = Object.keys(ENV);
