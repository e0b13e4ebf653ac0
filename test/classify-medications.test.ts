import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/actors/classifier/classify.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const present = (req: Parameters<typeof classify>[1]) => classify(ckb, req).evidence.present;

test('listed medications are evidence through their drug classes', () => {
  const p = present({ text: 'cough', patient: { medications: ['Warfarin 5 mg', 'ibuprofen'] } });
  assert.ok(p.has('anticoagulant_use'), 'warfarin is an anticoagulant');
  assert.ok(p.has('nsaid_use'), 'ibuprofen is an NSAID');
  assert.ok(!present({ text: 'cough', patient: { medications: ['paracetamol'] } }).has('nsaid_use'));
});

test('a drug the text says the patient takes counts; one named without an intake cue does not', () => {
  assert.ok(present({ text: 'He was taking amoxicillin for a sore throat, then changed to cefalexin.' }).has('recent_antibiotics'));
  assert.ok(present({ text: 'She is on warfarin and started prednisolone last week.' }).has('steroid_use'));
  const p = present({ text: 'Allergic to penicillin. Not taking aspirin. Cough.' });
  assert.ok(!p.has('recent_antibiotics') && !p.has('nsaid_use'), [...p].join(','));
  assert.ok(!present({ text: 'Chest pain on exertion.' }).has('bp_lowering_drug_use'));
});

test('every class finding is a finding of the vocabulary', () => {
  let links = 0;
  for (const c of ckb.kb.drugClasses) for (const f of c.findings ?? []) { links++; assert.ok(ckb.findingById.has(f), `${c.id} → ${f}`); }
  assert.ok(links >= 20, `links: ${links}`);
});

test('a relative\'s medicine and a question about one are not the patient\'s', () => {
  assert.ok(!present({ text: 'My mother takes warfarin. I fell and hit my head yesterday.' }).has('anticoagulant_use'));
  assert.ok(!present({ text: 'Should I start taking aspirin?' }).has('nsaid_use'));
});

test('a drug\'s own findings replace its classes\': methotrexate for arthritis is immunosuppression, not chemotherapy', () => {
  const p = present({ text: 'Rheumatoid arthritis on methotrexate. Hot swollen knee.' });
  assert.ok(p.has('immunosuppressed'), [...p].join(','));
  assert.ok(!p.has('recent_chemotherapy'), [...p].join(','));
  // a drug without an override still takes its classes' findings
  assert.ok(present({ text: 'cough', patient: { medications: ['imatinib'] } }).has('recent_chemotherapy'));
});
