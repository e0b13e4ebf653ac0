import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { spawnServer } from './helpers/child.ts';

test('the logs of a full diagnosis carry none of the patient\'s words, age or medications', async () => {
  const srv = await spawnServer({ LOG_LEVEL: 'debug' });
  const words = ['Zebediah', 'crushing', 'tamoxifen', 'clopidogrel', 'penicillin', 'radiating', 'sweaty'];
  const res = await fetch(`${srv.url}/v1/diagnosis`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Zebediah, 67, crushing chest pain radiating to the jaw, sweaty', patient: { age: 67, medications: ['tamoxifen', 'clopidogrel'], allergies: ['penicillin'] } }),
  });
  assert.equal(res.status, 200);
  const bad = await fetch(`${srv.url}/v1/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"Zebediah crushing",' });
  assert.equal(bad.status, 400);
  srv.proc.kill('SIGTERM');
  await srv.exited;
  const log = srv.output();
  assert.ok(log.includes('edge-ddx listening'), 'the log was captured');
  for (const w of words) assert.ok(!log.toLowerCase().includes(w.toLowerCase()), `log contains "${w}"`);
  assert.ok(!/"age":\s*67/.test(log), 'log contains the age');
  rmSync(srv.dataDir, { recursive: true, force: true });
});
