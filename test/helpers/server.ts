/**
 * Starts the real server in-process on port 0 with a temporary SQLite store (or PostgreSQL when asked),
 * and stops it after the test file. Requests go over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../../src/main.ts';
import { loadConfig, type Config } from '../../src/config.ts';

export const TEST_KEY = 'test-key-0123456789abcdef';

export async function startServer(overrides: Partial<Config> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'edge-ddx-test-'));
  const app = await start(loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, auth: true, adminKey: TEST_KEY, logLevel: 'silent', poolThreads: 1, ...overrides }));
  const url = `http://127.0.0.1:${app.port}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}`, ...headers } });
  const stop = async () => { await app.shutdown('test'); rmSync(dataDir, { recursive: true, force: true }); };
  return { app, url, dataDir, post, get, stop };
}

/** Response bodies as loosely typed JSON: tests assert on their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (r: Response): Promise<any> => r.json() as Promise<any>;
