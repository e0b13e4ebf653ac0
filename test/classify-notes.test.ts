import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/actors/classifier/classify.ts';
import { finalizeEvidence } from '../src/actors/evidence.ts';
import { checkKb } from '../src/kb/check.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const ev = (text: string) => classify(ckb, { text }).evidence;

test('laboratory results written in a note are findings, both ways, with their source span', () => {
  const e = ev('Hb 86, MCV 118. Creatinine 312 (baseline 88), K 5.9, Na 124. adj Ca 3.05. BMI of 36.');
  for (const id of ['anaemia_lab', 'raised_creatinine', 'hyperkalaemia_lab', 'hyponatraemia_lab', 'hypercalcaemia_lab', 'obesity']) assert.ok(e.present.has(id), id);
  for (const id of ['hypokalaemia_lab', 'hypocalcaemia']) assert.ok(e.absent.has(id), id);
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
  for (const t of ['vitamin K 2.5 mg given', 'Vit K 2.5 mg', 'Lung ca 2 years ago, now cough']) assert.equal([...ev(t).present].filter((id) => /kalaem|calcaem/.test(id)).length, 0, t);
  assert.ok(!ev('CA 19-9 raised').present.has('hypercalcaemia_lab'));
  assert.ok(!ev('aspirate WBC 85,000/uL').present.has('high_white_count'));
  assert.ok(!ev('Transferrin saturation is 80%').present.has('hypoxia'));
});

test('kb check: a lab reading must name known findings and capture its number', () => {
  const bad = structuredClone(ckb.kb);
  bad.qualifiers.lab_readings = [{ name: 'x', patterns: ['xx\\s*\\d+'], range: [0, 1], findings: [{ id: 'no_such_finding', op: '>', value: 1 }] }];
  const problems = checkKb(bad);
  assert.ok(problems.some((p) => p.includes("unknown finding 'no_such_finding'")), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('captures 0 group(s), 1 needed')), problems.join('\n'));
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

test('a written unit decides the conversion; a value that fits both units without one is no reading', () => {
  assert.ok(ev('glucose 40 mg/dL, sweaty and confused').present.has('low_blood_glucose'));
  assert.ok(!ev('glucose 40, sweaty').present.has('high_glucose_osmolality'));
  assert.ok(ev('Ca 4.9 mg/dL, tetany').present.has('hypocalcaemia'));
  assert.ok(!ev('10 day old baby, creatinine 18 umol/L').present.has('raised_creatinine'));
});

test('a result that is not the patient\'s now is no reading: another specimen, a relative, a condition, a dose, an old value', () => {
  for (const t of ['CSF: WCC 850, protein 1.8, glucose 1.2', 'urine WBC 500, nitrites positive', "Mother's Hb 80. I feel tired", 'If K 6.5 call the registrar',
    'on potassium 2 tablets daily', 'platelets 2 units transfused', 'Hb 86 a year ago']) {
    const labIds = ['high_white_count', 'low_blood_glucose', 'anaemia_lab', 'hyperkalaemia_lab', 'hypokalaemia_lab', 'thrombocytopenia_lab'];
    assert.deepEqual([...ev(t).present].filter((id) => labIds.includes(id)), [], t);
  }
  // a finding the text states outright is left as written, even against the number
  assert.ok(ev('No anaemia. Hb 140.').absent.has('anaemia_lab'));
  assert.ok(ev('Not anaemic. Hb 86.').absent.has('anaemia_lab'));
});

test('a birth is the patient\'s only: not a relative\'s, not a parcel\'s', () => {
  assert.ok(!ev('My sister had a baby 3 weeks ago and I have a cough').present.has('postpartum'));
  assert.ok(!ev('The parcel was delivered 3 days ago, since then a rash').present.has('postpartum'));
});

test('pack-years beside a past form do not remove a habit the clinician entered', () => {
  const e = classify(ckb, { text: 'Ex-smoker, 20 pack years. Cough.', patient: { risk_factors: ['smoker'] } }).evidence;
  assert.ok(e.present.has('smoker'));
});

test('combinations imply their compound finding: a fever under 3 months, a yellow newborn, bleeding while pregnant', () => {
  const implied = ckb.findings.filter((f) => f.implied_by?.length);
  assert.ok(implied.length >= 3, 'the vocabulary names combinations');
  for (const f of implied) {
    for (const r of f.implied_by!) {
      const age = r.age_under !== undefined ? r.age_under / 2 : r.age_from !== undefined ? r.age_from + 1 : 30;
      const ev = (present: string[], a?: number) => finalizeEvidence(ckb, { present: new Set(present), absent: new Set(), recognised: [], vitals: {}, unresolved: 0, ...(a !== undefined ? { age: a } : {}), ...(present.includes('pregnant') ? { sex: 'female' as const } : {}) });
      assert.ok(ev(r.all, age).present.has(f.id), `${f.id} from ${r.all.join(' + ')} at age ${age}`);
      // one part alone, or the age out of range, or unknown, implies nothing
      if (r.all.length > 1) assert.ok(!ev(r.all.slice(1), age).present.has(f.id) || r.all.slice(1).some((id) => ckb.ancestors.get(id)?.includes(r.all[0])), `${f.id} without ${r.all[0]}`);
      if (r.age_under !== undefined) assert.ok(!ev(r.all, r.age_under + 1).present.has(f.id) && !ev(r.all).present.has(f.id), `${f.id} past age ${r.age_under}`);
    }
  }
  // through the text: a 6-week-old with a temperature of 38.5; at 9 months the same fever rules the combination out
  const cl = classify(ckb, { text: 'A 6-week-old baby has a temperature of 38.5 and is feeding less.' });
  assert.ok(cl.evidence.present.has('fever_young_infant'));
  assert.ok(classify(ckb, { text: 'A 9-month-old baby has a temperature of 38.5 and is feeding less.' }).evidence.absent.has('fever_young_infant'));
  assert.ok(!classify(ckb, { text: 'A baby has a temperature of 38.5.' }).evidence.absent.has('fever_young_infant'), 'an unknown age rules nothing out');
});

test('a pregnancy or breastfeeding read in the text makes the patient a woman whatever the pronouns say', () => {
  const cl = classify(ckb, { text: "I'm breastfeeding and my left breast is red and sore. My husband says he can drive me." });
  assert.equal(cl.evidence.sex, 'female');
  // the patient block has the last word
  assert.equal(classify(ckb, { text: "I'm breastfeeding and my breast is sore.", patient: { sex: 'male' } }).evidence.sex, 'male');
});

test('a finding of pregnancy implies the pregnancy, unless the sex or the patient block rules it out', () => {
  assert.ok(classify(ckb, { text: "I'm pregnant and bleeding heavily with clots" }).evidence.present.has('pregnant'));
  assert.ok(!classify(ckb, { text: 'bleeding in pregnancy', patient: { sex: 'male', age: 40 } }).evidence.present.has('pregnant'));
  assert.ok(!classify(ckb, { text: 'bleeding in pregnancy', patient: { pregnant: false } }).evidence.present.has('pregnant'));
});

test('diabetes and anaemia indices: HbA1c and fasting glucose by their own thresholds, MCV both ways, low ferritin', () => {
  // HbA1c 48 mmol/mol (6.5%) and fasting glucose 7.0 are the diagnostic thresholds, a finding of their own: an HbA1c is
  // no glucose today, and a normal one rules nothing out; a random glucose keeps its own threshold
  for (const text of ['HbA1c 68 mmol/mol', 'HbA1c 7.2%', 'fasting glucose 9.8', 'fasting glucose 126 mg/dl']) assert.ok(ev(text).present.has('diabetic_range_glycaemia'), text);
  assert.ok(!ev('HbA1c 68 mmol/mol').present.has('hyperglycaemia_measured'));
  for (const text of ['HbA1c 38', 'fasting glucose 5.1']) assert.ok(!ev(text).present.has('diabetic_range_glycaemia') && !ev(text).absent.has('diabetic_range_glycaemia'), text);
  assert.ok(ev('glucose 9.8').absent.has('hyperglycaemia_measured'));
  const e = ev('Hb 82, MCV 58, plts 480. Ferritin 4.');
  for (const id of ['anaemia_lab', 'microcytosis_lab', 'low_ferritin_lab', 'iron_deficiency_anaemia']) assert.ok(e.present.has(id), id);
  assert.ok(e.absent.has('macrocytosis_lab'));
  assert.ok(ev('MCV 104').present.has('macrocytosis_lab'));
  // a low ferritin without anaemia is no iron-deficiency anaemia
  assert.ok(!ev('Hb 138, ferritin 12').present.has('iron_deficiency_anaemia'));
});

test('vertigo in spells of seconds is its own finding', () => {
  const e = ev('the room spins for a few seconds when I roll over, then it stops');
  assert.ok(e.present.has('vertigo_brief_episodes'));
  assert.ok(!ev('the room has been spinning for 2 days').present.has('vertigo_brief_episodes'));
});

test('a woman saying she is not pregnant is a woman; a man speaking of his wife is not', () => {
  assert.equal(classify(ckb, { text: "Burning when I wee. I'm 32 and not pregnant." }).evidence.sex, 'female');
  assert.equal(classify(ckb, { text: 'my wife is not pregnant, I have a cough' }).evidence.sex, undefined);
});

test('a finding defined by its onset: a sudden severe headache is a thunderclap headache, a sudden mild one is not', () => {
  const e = ev('I suddenly got the most horrendous headache at the back of my head');
  assert.ok(e.present.has('thunderclap_headache'));
  assert.ok(!ev('I woke up with a headache').present.has('thunderclap_headache'));
  assert.ok(ev('suddenly became breathless').present.has('sudden_onset_dyspnoea'));
  assert.ok(ev('woke up with pain in my left testicle').present.has('sudden_testicular_pain'));
});

test('examination written as normal rules its findings out; a journey of 4 hours or more is long-haul travel', () => {
  const e = ev('O/E: chest clear, HS I+II+0, calves SNT');
  for (const id of ['crackles', 'wheeze', 'heart_murmur', 'calf_tenderness']) assert.ok(e.absent.has(id), id);
  // a finding written present beside it stays present
  assert.ok(ev('Chest clear. Bibasal crackles.').present.has('bibasal_crackles'));
  assert.ok(ev('Collapsed at arrivals after a 13h flight').present.has('long_travel'));
  assert.ok(!ev('a 2 hour drive to the coast').present.has('long_travel'));
  assert.ok(ev('3 weeks after an emergency caesarean section, breathless').present.has('postpartum'));
});

test('a blood pressure written in a sentence about it is read: "my blood pressure … it was 158/96"', () => {
  const e = classify(ckb, { text: 'Had my blood pressure checked at the pharmacy - it was 158/96 and then 154/94' }).evidence;
  assert.equal(e.vitals.sbp, 158);
  assert.equal(e.vitals.dbp, 96);
  assert.equal(classify(ckb, { text: 'blood pressure normal, seen 12/05/2024' }).evidence.vitals.sbp, undefined);
});

test('"Ottawa ankle rules neg" rules out bony tenderness and is no misspelt "rales"', () => {
  const e = ev('Inversion injury at netball. Swollen lateral ankle. Ottawa ankle rules neg.');
  assert.ok(e.absent.has('bony_tenderness'));
  assert.ok(!e.absent.has('crackles') && !e.present.has('crackles'));
});

test('review: blood-pressure tablets are no reading; walking on an injured ankle rules out inability to bear weight', () => {
  assert.equal(classify(ckb, { text: 'blood pressure tablets losartan/hydrochlorothiazide 100/25' }).evidence.vitals.sbp, undefined);
  assert.ok(ev('went over on my ankle, I can walk on it with a limp').absent.has('inability_to_bear_weight'));
  assert.ok(ev("I don't see the point of living").present.has('suicidal_ideation'));
});
