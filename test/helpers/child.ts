/** Runs the server as a child process (`node --import tsx src/main.ts`), as an operator would, capturing its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Child { proc: ChildProcess; url: string; dataDir: string; output: () => string; exited: Promise<number | null> }

export async function spawnServer(env: Record<string, string> = {}): Promise<Child> {
  const dataDir = mkdtempSync(join(tmpdir(), 'edge-ddx-child-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', EDGE_DDX_DATA_DIR: dataDir, EDGE_DDX_AUTH: 'off', EDGE_DDX_POOL_THREADS: '1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out.slice(-500)}`)), 30_000);
    const check = () => {
      const m = /"port":(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); } else setTimeout(check, 50);
    };
    proc.on('exit', () => { clearTimeout(timer); reject(new Error(`server exited: ${out.slice(-500)}`)); });
    check();
  });
  return { proc, url: `http://127.0.0.1:${port}`, dataDir, output: () => out, exited };
}
