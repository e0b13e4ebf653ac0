/**
 * npm run bench — drives POST /v1/diagnosis with autocannon using a realistic request mix, and a bare uWS
 * endpoint the same way in the same run, then prints requests/s, p50/p97.5/p99 latency and the ratio.
 * Two phases per target: closed loop (-c connections) for peak throughput, then a fixed rate at half of the
 * Edge DDx peak for latency figures free of coordinated omission. Figures are for humans; nothing here passes
 * or fails. Options: --duration S (default 10), --connections N (default 32).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REQUEST_MIX } from './requests.ts';

const arg = (n: string, d: number) => { const i = process.argv.indexOf(`--${n}`); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const duration = arg('duration', 10);
const connections = arg('connections', 32);

function startProcess(script: string, env: Record<string, string>): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on('exit', (c) => reject(new Error(`${script} exited with ${c}`)));
  });
}

async function drive(url: string, opts: { rate?: number }) {
  const bodies = REQUEST_MIX.map((r) => JSON.stringify(r));
  let i = 0;
  const result = await autocannon({
    url: `${url}/v1/diagnosis`, method: 'POST', connections: opts.rate ? Math.max(8, connections) : connections, duration,
    headers: { 'content-type': 'application/json' },
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return {
    requests_per_s: Math.round(result.requests.average), p50_ms: result.latency.p50, p97_5_ms: result.latency.p97_5, p99_ms: result.latency.p99,
    non_2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'edge-ddx-bench-'));
  const engine = await startProcess('src/main.ts', { PORT: '0', HOST: '127.0.0.1', EDGE_DDX_DATA_DIR: dataDir, EDGE_DDX_AUTH: 'off', LOG_LEVEL: 'info' });
  const bare = await startProcess('bench/load/bare-server.ts', {});
  try {
    // warm up the engine (JIT, worker sessions)
    await autocannon({ url: `http://127.0.0.1:${engine.port}/v1/diagnosis`, method: 'POST', connections: 8, amount: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST_MIX[0]) });
    const edgePeak = await drive(`http://127.0.0.1:${engine.port}`, {});
    const barePeak = await drive(`http://127.0.0.1:${bare.port}`, {});
    const rate = Math.max(10, Math.round(edgePeak.requests_per_s / 2));
    const edgeFixed = await drive(`http://127.0.0.1:${engine.port}`, { rate });
    const bareFixed = await drive(`http://127.0.0.1:${bare.port}`, { rate });
    const metrics = await (await fetch(`http://127.0.0.1:${engine.port}/health/detailed`)).json() as { batcher: unknown; store: { commitBatches: number; kind: string } };
    console.log(JSON.stringify({
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, duration_s: duration, connections,
      closed_loop: { edge_ddx: edgePeak, bare_uws: barePeak, throughput_ratio: +(edgePeak.requests_per_s / barePeak.requests_per_s).toFixed(3) },
      fixed_rate: { rate_per_s: rate, edge_ddx: edgeFixed, bare_uws: bareFixed, p99_ratio: +(edgeFixed.p99_ms / Math.max(bareFixed.p99_ms, 1)).toFixed(2) },
      engine: { batcher: metrics.batcher, store: { commitBatches: metrics.store.commitBatches, kind: metrics.store.kind } },
    }, null, 2));
  } finally {
    engine.proc.kill('SIGTERM');
    bare.proc.kill('SIGTERM');
    await new Promise((r) => engine.proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
