import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_KEY } from './helpers/server.ts';

let s: Awaited<ReturnType<typeof startServer>>;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

test('the WebSocket stream sends urgency first, then the parts, then final', async () => {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/diagnosis/stream?access_token=${TEST_KEY}`);
  const types: string[] = [];
  const final = await new Promise<Record<string, unknown>>((resolve, reject) => {
    ws.onopen = () => ws.send(JSON.stringify({ text: 'fever and cough for 3 days, short of breath' }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      types.push(msg.type);
      if (msg.type === 'final') resolve(msg);
      if (msg.type === 'error') reject(new Error(msg.error.code));
    };
    ws.onerror = () => reject(new Error('socket error'));
  });
  ws.close();
  assert.equal(types[0], 'urgency');
  assert.deepEqual(types, ['urgency', 'symptoms', 'conditions', 'treatments', 'final']);
  assert.ok(Array.isArray(final.conditions) && (final.conditions as unknown[]).length > 0);
});

test('a bad message gets an error message, and the socket stays usable', async () => {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/diagnosis/stream?access_token=${TEST_KEY}`);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => { ws.send('{nope'); ws.send(JSON.stringify({ text: 3 })); };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      got.push(msg.type === 'error' ? msg.error.code : msg.type);
      if (got.length === 2) ws.send(JSON.stringify({ text: 'headache' }));
      if (msg.type === 'final') resolve();
    };
    ws.onerror = () => reject(new Error('socket error'));
  });
  ws.close();
  assert.deepEqual(got.slice(0, 2), ['INVALID_JSON', 'VALIDATION_FAILED']);
  assert.equal(got.at(-1), 'final');
});

test('the upgrade without a key is refused', async () => {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/diagnosis/stream`);
  const outcome = await new Promise<string>((resolve) => { ws.onopen = () => resolve('open'); ws.onerror = () => resolve('refused'); });
  assert.equal(outcome, 'refused');
});
