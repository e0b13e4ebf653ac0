import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, json } from './helpers/server.ts';

let s: Awaited<ReturnType<typeof startServer>>;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const NOTE = '56 y/o M, 2 days of sudden tearing chest pain radiating to the back, fainted once, smoker, HTN. No palpitations, no nausea or vomiting. HR 118, BP 92/60.';

test('POST /v1/diagnosis answers the full contract and the session is stored', async () => {
  const res = await s.post('/v1/diagnosis', { text: NOTE, patient: { medications: ['warfarin'], allergies: ['penicillin'] } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const body = await json(res);
  assert.match(body.session_id, /^[0-9a-f-]{36}$/);
  assert.ok(['emergency', 'urgent'].includes(body.urgency.level), `urgency ${body.urgency.level}`);
  assert.ok(body.conditions.length >= 10, 'at least 10 conditions');
  for (const c of body.conditions) assert.match(c.icd10, /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/);
  const probs = body.conditions.map((c: { probability: number }) => c.probability);
  assert.deepEqual([...probs].sort((a, b) => b - a), probs, 'ranked by probability');
  assert.ok(body.symptoms.some((x: { id: string; present: boolean }) => x.id === 'chest_pain' && x.present));
  // broader findings implied by a recognised one name it ("tearing chest pain" → chest pain)
  for (const x of body.symptoms.filter((y: { match?: string }) => y.match === 'implied')) {
    assert.ok(body.symptoms.some((y: { id: string; match?: string }) => y.id === x.implied_by && y.match !== 'implied'), `${x.id} implied by ${x.implied_by}`);
  }
  assert.ok(body.symptoms.some((x: { id: string; present: boolean }) => x.id === 'nausea' && !x.present));
  assert.equal(typeof body.explanation, 'string');
  assert.deepEqual(body.degraded, []);
  assert.ok(body.timings_ms.total > 0);

  const stored = await s.get(`/v1/sessions/${body.session_id}`);
  assert.equal(stored.status, 200);
  const sess = await json(stored);
  assert.equal(sess.session_id, body.session_id);
  assert.equal(sess.urgency, body.urgency.level);
  assert.ok(sess.events.some((e: { type: string }) => e.type === 'diagnosis.created'));
});

test('structured symptoms alone are enough, and vitals drive red flags', async () => {
  const res = await s.post('/v1/diagnosis', { symptoms: [{ id: 'fever' }, { text: 'shortness of breath' }], vitals: { spo2: 85, resp_rate: 32, heart_rate: 125, sbp: 85 }, patient: { age: 70, sex: 'female' } });
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.urgency.level, 'emergency');
  assert.ok(body.urgency.red_flags.length > 0);
  assert.ok(body.urgency.red_flags.every((f: { evidence: string[] }) => f.evidence.length > 0));
});

test('POST /v1/triage and /v1/parse answer without running the matcher', async () => {
  const t = await s.post('/v1/triage', { text: 'worst headache of my life, sudden, neck stiffness' });
  assert.equal(t.status, 200);
  const tb = await json(t);
  assert.equal(tb.urgency.level, 'emergency');
  const p = await s.post('/v1/parse', { text: 'No fever. Cough for 3 days. SpO2 91%' });
  const pb = await json(p);
  assert.equal(p.status, 200);
  assert.deepEqual(pb.symptoms.find((x: { id: string }) => x.id === 'fever')?.present, false);
  assert.equal(pb.symptoms.find((x: { id: string }) => x.id === 'cough')?.duration_hours, 72);
  assert.equal(pb.vitals.spo2, 91);
  const span = pb.symptoms.find((x: { id: string }) => x.id === 'cough').source;
  assert.equal('No fever. Cough for 3 days. SpO2 91%'.slice(span.start, span.end), 'Cough');
});

test('catalogue endpoints: symptoms autocomplete, conditions list and detail, interactions', async () => {
  const sy = await json(await s.get('/v1/symptoms?q=chest&limit=5'));
  assert.ok(sy.total >= 1 && sy.items.length <= 5);
  assert.ok(sy.items.every((i: { id: string; label: string; synonyms: string[] }) => i.id && i.label && Array.isArray(i.synonyms)));
  const list = await json(await s.get('/v1/conditions?limit=3&offset=0'));
  assert.equal(list.items.length, 3);
  assert.ok(list.total >= 30);
  const one = await s.get(`/v1/conditions/${list.items[0].id}`);
  assert.equal(one.status, 200);
  const detail = await json(one);
  assert.ok(detail.sources.length > 0 && detail.findings.length > 0);
  assert.equal((await s.get('/v1/conditions/no_such_condition')).status, 404);
  const ix = await json(await s.post('/v1/interactions', { medications: ['warfarin', 'Advil'], allergies: ['penicillin'], candidates: ['amoxicillin'] }));
  assert.deepEqual(ix.medications.map((m: { drug: string }) => m.drug), ['warfarin', 'ibuprofen']);
  assert.ok(ix.interactions.some((i: { drugs: string[]; severity: string }) => i.drugs.includes('warfarin') && i.drugs.includes('ibuprofen') && ['major', 'contraindicated'].includes(i.severity)));
  assert.ok(ix.allergy_conflicts.some((a: { drug: string }) => a.drug === 'amoxicillin'));
});

test('patients are stored and their history feeds the diagnosis', async () => {
  const created = await s.post('/v1/patients', { id: 'p-1', age: 34, sex: 'female', allergies: ['penicillin'], medications: ['warfarin'] });
  assert.equal(created.status, 201);
  const got = await json(await s.get('/v1/patients/p-1'));
  assert.equal(got.age, 34);
  const d = await s.post('/v1/diagnosis', { patient_id: 'p-1', text: 'sore throat and fever, swollen tonsils' });
  assert.equal(d.status, 200);
  const body = await json(d);
  assert.equal(body.patient.age, 34);
  assert.equal((await s.post('/v1/diagnosis', { patient_id: 'nobody', text: 'cough' })).status, 404);
});
