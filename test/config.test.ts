// Configuration is read from the environment once and validated: defaults are safe (auth on), and a bad value
// stops start-up with a ConfigError that names the variable, never a silent fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

/** Asserts that loading `env` fails with a ConfigError whose message names `variable`. */
function rejects(env: Record<string, string>, variable: string): void {
  assert.throws(() => loadConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.ok(e.message.includes(variable), `message names ${variable}: ${e.message}`);
    return true;
  });
}

test('an empty environment gives the documented defaults, with authentication on', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.auth, true);
  assert.equal(c.databaseUrl, undefined, 'SQLite unless DATABASE_URL is set');
  assert.ok(c.poolThreads >= 1);
});

test('valid values are read and typed', () => {
  const c = loadConfig({ PORT: '9090', HOST: '127.0.0.1', EDGE_DDX_AUTH: 'off', DATABASE_URL: 'postgres://u@db:5432/edge', EDGE_DDX_POOL_THREADS: '2' });
  assert.equal(c.port, 9090);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.auth, false);
  assert.equal(c.databaseUrl, 'postgres://u@db:5432/edge');
  assert.equal(c.poolThreads, 2);
  assert.equal(loadConfig({ EDGE_DDX_AUTH: 'on' }).auth, true);
  assert.equal(loadConfig({ DATABASE_URL: 'postgresql://u@db/edge' }).databaseUrl, 'postgresql://u@db/edge');
});

test('PORT that is not an integer, or out of range, is refused naming PORT', () => {
  rejects({ PORT: 'abc' }, 'PORT');
  rejects({ PORT: '8080x' }, 'PORT');
  rejects({ PORT: '70000' }, 'PORT');
});

test('EDGE_DDX_AUTH that is not on/off is refused naming it', () => {
  rejects({ EDGE_DDX_AUTH: 'maybe' }, 'EDGE_DDX_AUTH');
});

test('DATABASE_URL that is not postgres:// is refused naming it', () => {
  rejects({ DATABASE_URL: 'mysql://u@db/edge' }, 'DATABASE_URL');
  rejects({ DATABASE_URL: 'db.internal:5432' }, 'DATABASE_URL');
});

test('a refused secret is not echoed in the error message', () => {
  for (const [env, secret] of [[{ DATABASE_URL: 'mysql://edge:s3cret-pass@db/edge' }, 's3cret-pass'], [{ EDGE_DDX_ADMIN_KEY: 'short-key-9' }, 'short-key-9']] as const) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && !e.message.includes(secret));
  }
});
