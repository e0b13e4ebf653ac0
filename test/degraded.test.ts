// Losing the inference workers never loses the answer. Workers lost mid-request: the pool retries the lost
// tasks on fresh workers and the diagnoses answer in full. Workers gone for good: POST /v1/diagnosis still
// answers 200 with urgency and red flags from the rules on the main thread, `degraded` names the condition
// matcher, and the session is committed. Real servers, real sockets, real worker threads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, json } from './helpers/server.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
let s: Awaited<ReturnType<typeof startServer>>;
before(async () => { s = await startServer({ requestTimeoutMs: 15_000 }); });
after(async () => { await s?.stop(); });

const HYPOXIC = { text: 'Short of breath and coughing since this morning.', vitals: { spo2: 85, resp_rate: 32 }, patient: { age: 67, sex: 'male' } };

/**
 * The mid-request scenario runs in a child process: terminating a worker while onnxruntime runs in it has been
 * seen to abort the whole process, which must not take this file's other tests with it. The child wraps the pool's
 * public run() only to time the restart; the real pool, workers and server do the work.
 */
const MID_REQUEST = `
import { startServer } from ${JSON.stringify(fileURLToPath(new URL('./helpers/server.ts', import.meta.url)))};
const s = await startServer({ requestTimeoutMs: 15000 });
const pool = s.app.engine.inferencePool;
const before = pool.stats();
// restart right after the first diagnose batch is handed to a worker: the pool dispatches synchronously
// inside run(), so the microtask runs while that task is certainly in flight
const run = pool.run.bind(pool);
let restarting;
pool.run = (...args) => {
  const p = run(...args);
  if (args[0] === 'diagnose' && !restarting) restarting = Promise.resolve().then(() => pool.restart());
  return p;
};
const requests = Array.from({ length: 8 }, () => s.post('/v1/diagnosis', ${JSON.stringify(HYPOXIC)}));
const t0 = performance.now();
while (!restarting) {
  if (performance.now() - t0 > 10000) throw new Error('no diagnose task reached the pool');
  await new Promise((r) => setTimeout(r, 5));
}
await restarting;
const answers = await Promise.all(requests.map(async (pending) => { const r = await pending; return { status: r.status, body: await r.json() }; }));
const after = pool.stats();
console.log(JSON.stringify({ answers: answers.map((a) => ({ status: a.status, degraded: a.body.degraded, conditions: a.body.conditions?.length ?? 0, urgency: a.body.urgency?.level })), before, after }));
await s.stop();
`;

test('a pool restart while inference runs: the process survives, in-flight work finishes and every diagnosis answers in full', async () => {
  // a script file, not `-e`: worker threads inherit execArgv, and an inherited `-e` keeps them from starting
  const dir = mkdtempSync(join(tmpdir(), 'edge-ddx-degraded-'));
  const script = join(dir, 'mid-request.mjs');
  writeFileSync(script, MID_REQUEST);
  const child = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(child.signal, null, `the server process was killed by ${child.signal}: ${child.stderr.split('\n').filter((l) => /FATAL|terminate|Error/.test(l)).slice(0, 3).join(' | ')}`);
  assert.equal(child.code, 0, child.stderr.slice(-2000));
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { answers: { status: number; degraded: string[]; conditions: number; urgency: string }[]; before: { retried: number; threads: number }; after: { retried: number; threads: number; broken: boolean } };
  for (const a of r.answers) {
    assert.equal(a.status, 200);
    assert.deepEqual(a.degraded, [], 'the in-flight inference finished on its old thread or ran on the new ones');
    assert.ok(a.conditions > 0);
    assert.equal(a.urgency, 'emergency');
  }
  assert.equal(r.after.broken, false);
  assert.equal(r.after.threads, r.before.threads);
});

test('inference pool destroyed: urgency and red flags still answer, degraded names condition_matcher, the session is committed', async () => {
  await s.app.engine.inferencePool.destroy();
  const res = await s.post('/v1/diagnosis', HYPOXIC);
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.ok(body.degraded.includes('condition_matcher'), `degraded: ${JSON.stringify(body.degraded)}`);
  assert.equal(body.urgency.level, 'emergency');
  assert.ok(body.urgency.red_flags.length > 0, 'red flags fire from the rules without any worker');
  assert.ok(body.urgency.red_flags.some((f: { evidence: string[] }) => f.evidence.length > 0));
  assert.deepEqual(body.conditions, []);
  assert.equal(typeof body.explanation, 'string');

  const stored = await s.get(`/v1/sessions/${body.session_id}`);
  assert.equal(stored.status, 200);
  const sess = await json(stored);
  assert.equal(sess.session_id, body.session_id);
  assert.equal(sess.urgency, 'emergency');
  assert.ok(sess.degraded.includes('condition_matcher'));
});
