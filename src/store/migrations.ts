/**
 * Versioned migrations: `migrations/<dialect>/NNN_name.sql`, applied in ascending order by the store.
 * Versions must run 1..n without gaps, so two branches that both add "002" fail loudly at start-up
 * instead of one of them being skipped silently.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';

export interface Migration { version: number; name: string; sql: string }

const FILE = /^(\d+)_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = fileURLToPath(new URL(`./migrations/${dialect}/`, import.meta.url));
  const out: Migration[] = [];
  for (const f of readdirSync(dir)) {
    const m = FILE.exec(f);
    if (m) out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(dir + f, 'utf8') });
  }
  out.sort((a, b) => a.version - b.version);
  out.forEach((m, i) => {
    if (m.version !== i + 1) throw new ConfigError(`${dialect} migrations must be numbered 1..n without gaps (found ${m.version} at position ${i + 1}).`);
  });
  return out;
}
