import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/actors/classifier/classify.ts';
import { checkKb } from '../src/kb/check.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const ev = (text: string) => classify(ckb, { text }).evidence;

test('laboratory results written in a note are findings, both ways, with their source span', () => {
  const e = ev('Hb 86, MCV 118. Creatinine 312 (baseline 88), K 5.9, Na 124. adj Ca 3.05. BMI of 36.');
  for (const id of ['anaemia_lab', 'raised_creatinine', 'hyperkalaemia_lab', 'hyponatraemia_lab', 'hypercalcaemia_lab', 'obesity']) assert.ok(e.present.has(id), id);
  for (const id of ['hypokalaemia_lab', 'hypocalcaemia', 'low_body_weight']) assert.ok(e.absent.has(id), id);
  const hb = e.recognised.find((r) => r.id === 'anaemia_lab')!;
  assert.equal(hb.text, 'Hb 86');
  // a normal result rules its finding out
  assert.ok(ev('Hb 142, platelets 250').absent.has('thrombocytopenia_lab'));
});

test('lab units: g/dL, mg/dL and mg/dL creatinine are converted; look-alikes are no readings', () => {
  assert.ok(ev('Hb 9.2 g/dL').present.has('anaemia_lab'));
  assert.ok(ev('blood sugar 450 mg/dL').present.has('hyperglycaemia_measured'));
  assert.ok(ev('creatinine 3.5 mg/dL').present.has('raised_creatinine'));
  // vitamin K is no potassium, CA 19-9 no calcium, a synovial WBC of 85,000 no leukaemic count, transferrin saturation no SpO2
  assert.equal(ev('vitamin K 10 mg given').present.size, 0);
  assert.ok(!ev('CA 19-9 raised').present.has('hypercalcaemia_lab'));
  assert.ok(!ev('aspirate WBC 85,000/uL').present.has('high_white_count'));
  assert.ok(!ev('Transferrin saturation is 80%').present.has('hypoxia'));
});

test('kb check: a lab reading must name known findings and capture its number', () => {
  const bad = structuredClone(ckb.kb);
  bad.qualifiers.lab_readings = [{ name: 'x', patterns: ['xx\\s*\\d+'], range: [0, 1], findings: [{ id: 'no_such_finding', op: '>', value: 1 }] }];
  const problems = checkKb(bad);
  assert.ok(problems.some((p) => p.includes("unknown finding 'no_such_finding'")), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('captures nothing')), problems.join('\n'));
});

test('a birth written as time ago is the postnatal year; a habit beside its past form is the past one', () => {
  assert.ok(ev('She had her first baby six weeks ago and feels low.').present.has('postpartum'));
  assert.ok(ev('3 weeks postpartum, fever').present.has('postpartum'));
  assert.ok(!ev('She had a baby 10 years ago.').present.has('postpartum'));
  const e = ev('Ex-smoker, 20 pack years.');
  assert.ok(e.present.has('former_smoker') && !e.present.has('smoker'), [...e.present].join(','));
  assert.ok(ev('Smoker, 20 pack years.').present.has('smoker'));
  // a habit stated outright stays beside its past form
  assert.ok(ev('Do you smoke cigarettes: yes. Are you a former smoker: yes.').present.has('smoker'));
});
