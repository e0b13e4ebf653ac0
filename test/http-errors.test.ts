import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, json } from './helpers/server.ts';

let s: Awaited<ReturnType<typeof startServer>>;
before(async () => { s = await startServer({ bodyLimitBytes: 4096 }); });
after(async () => { await s.stop(); });

async function errorOf(res: Response) {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return (await json(res)).error as { code: string; message: string; details?: { path: string }[] };
}

test('malformed JSON is 400 INVALID_JSON', async () => {
  const res = await s.post('/v1/diagnosis', '{"text": "cough",');
  assert.equal(res.status, 400);
  assert.equal((await errorOf(res)).code, 'INVALID_JSON');
});

test('schema violations are 400 VALIDATION_FAILED with the failing paths', async () => {
  const res = await s.post('/v1/diagnosis', { text: 'cough', vitals: { heart_rate: 'fast' }, patient: { age: -3 }, extra: 1 });
  assert.equal(res.status, 400);
  const e = await errorOf(res);
  assert.equal(e.code, 'VALIDATION_FAILED');
  const paths = e.details!.map((d) => d.path);
  assert.ok(paths.includes('/vitals/heart_rate'), paths.join());
  assert.ok(paths.includes('/patient/age'), paths.join());
});

test('a body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
  const res = await s.post('/v1/diagnosis', { text: 'x'.repeat(10_000) });
  assert.equal(res.status, 413);
  assert.equal((await errorOf(res)).code, 'PAYLOAD_TOO_LARGE');
});

test('no recognisable finding is 422 NO_FINDINGS, not a guess', async () => {
  const res = await s.post('/v1/diagnosis', { text: 'qwzx plorb' });
  assert.equal(res.status, 422);
  assert.equal((await errorOf(res)).code, 'NO_FINDINGS');
});

test('unknown routes are 404 JSON, wrong methods 405', async () => {
  const res = await s.get('/v1/nope');
  assert.equal(res.status, 404);
  assert.equal((await errorOf(res)).code, 'ROUTE_NOT_FOUND');
  const m = await fetch(`${s.url}/v1/diagnosis`, { method: 'DELETE' });
  assert.equal(m.status, 405);
});

test('a missing or wrong API key is 401; health and metrics need none', async () => {
  const res = await fetch(`${s.url}/v1/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"cough"}' });
  assert.equal(res.status, 401);
  assert.equal((await errorOf(res)).code, 'UNAUTHORIZED');
  const wrong = await s.post('/v1/diagnosis', { text: 'cough' }, { authorization: 'Bearer nope' });
  assert.equal(wrong.status, 401);
  assert.equal((await fetch(`${s.url}/health`)).status, 200);
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  assert.match(metrics, /edge_ddx_http_requests_total/);
  assert.doesNotMatch(metrics, /cough/);
});

test('a malformed %-escape in a path parameter is a 404, not a crash', async () => {
  const res = await s.get('/v1/conditions/%E0%A4%A');
  assert.equal(res.status, 404);
  assert.equal((await fetch(`${s.url}/health`)).status, 200, 'the server is still up');
});

test('wrong content type is 415', async () => {
  const res = await s.post('/v1/diagnosis', 'text=cough', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(res.status, 415);
});

test('/openapi.json lists every endpoint with the request schemas', async () => {
  const doc = await json(await fetch(`${s.url}/openapi.json`));
  for (const p of ['/v1/diagnosis', '/v1/parse', '/v1/triage', '/v1/symptoms', '/v1/conditions', '/v1/conditions/{id}', '/v1/interactions', '/v1/sessions/{id}', '/v1/patients', '/health/detailed']) assert.ok(doc.paths[p], p);
  assert.ok(doc.paths['/v1/diagnosis'].post.requestBody.content['application/json'].schema.properties.vitals);
});

test('/health/detailed reports store, pools, agents and memory', async () => {
  const h = await json(await fetch(`${s.url}/health/detailed`));
  assert.equal(h.store.ok, true);
  assert.ok(h.pools.inference.threads >= 1);
  assert.ok(h.agents.condition_matcher);
  assert.ok(h.memory.rss_mb > 0);
  assert.equal((await fetch(`${s.url}/health/ready`)).status, 200);
});
