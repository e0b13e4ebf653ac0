// npm test: the type check, then every test file under test/ with the node test runner and tsx.
// Node 20's runner does not discover .ts files by itself and sh does not expand **, so the files are listed here.
// `npm test -- test/parser.test.ts` runs only the named files (and skips the type check).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'fixtures' || e.name === 'helpers' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);
}
const only = process.argv.slice(2);
if (only.length === 0) {
  console.log('# tsc --noEmit');
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) { console.error('# type check failed'); process.exit(tsc.status ?? 1); }
}
const files = only.length ? only : walk('test').sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--experimental-websocket', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
