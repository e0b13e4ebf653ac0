// The emergency detector's red-flag rules (src/actors/emergency/rules.ts) over the real knowledge base: flags fire
// from vitals alone and from findings, quote their evidence, and respect the age, sex and pregnancy conditions of
// their triggers; assessUrgency lets the differential raise urgency only where its conditions of that level or
// worse hold enough of the posterior.
// Red flags and triggers are read from models/kb/red-flags at test time, so no author's ids are hard-coded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledKb } from '../src/kb/compile.ts';
import type { RedFlagT, TriggerT, VitalComparisonT, VitalName } from '../src/kb/schema.ts';
import { classify } from '../src/actors/classifier/classify.ts';
import { parseText } from '../src/actors/classifier/parser.ts';
import { finalizeEvidence, type Evidence } from '../src/actors/evidence.ts';
import { assessUrgency, conditionUrgency, detectRedFlags, URGENCY_RANK, type FiredFlag } from '../src/actors/emergency/rules.ts';
import type { DiagnosisRequestT } from '../src/http/schemas.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const flagsFor = (req: DiagnosisRequestT) => detectRedFlags(ckb, classify(ckb, req).evidence);
const vitalText = (name: string, v: number) => `${name.replace('_', ' ')} ${v}`;
/** The knowledge base with one red flag holding one trigger: tests a trigger without its siblings firing instead. */
const only = (rf: RedFlagT, t: TriggerT): CompiledKb => ({ ...ckb, kb: { ...ckb.kb, redFlags: [{ ...rf, triggers: [t] }] } });

/** A value that satisfies one vital comparison. */
function satisfying(c: VitalComparisonT): number {
  const step = c.name === 'temp_c' ? 0.5 : 1;
  return c.op === '<' ? c.value - step : c.op === '>' ? c.value + step : c.value;
}

function evidence(over: Partial<Evidence> & { present?: Set<string> } = {}): Evidence {
  return finalizeEvidence(ckb, { present: new Set(), absent: new Set(), recognised: [], vitals: {}, unresolved: 0, ...over });
}

/** Evidence that satisfies a trigger: its findings, its vitals, and demographics inside its conditions. */
function evidenceFor(t: TriggerT, over: Partial<Evidence> = {}): Evidence {
  const present = new Set([...(t.findings_all ?? []), ...(t.findings_any ?? []).slice(0, t.min_any ?? 1)]);
  const vitals: Partial<Record<VitalName, number>> = {};
  for (const c of t.vitals ?? []) vitals[c.name] = satisfying(c);
  const lo = t.age_min_years, hi = t.age_max_years;
  const age = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : lo !== undefined ? lo + 1 : hi !== undefined ? hi / 2 : 40;
  const pregnantFinding = ckb.kb.qualifiers.patient_map.pregnant_finding;
  const sex = t.sex ?? (t.pregnant || present.has(pregnantFinding) ? 'female' : 'male');
  const preg = t.pregnant === true ? { pregnant: true } : t.pregnant === false ? { pregnant: false } : {};
  return evidence({ present, vitals, age, sex, ...preg, ...over });
}

const allTriggers = ckb.kb.redFlags.flatMap((rf) => rf.triggers.map((t, i) => ({ rf, t, i })));
const vitalsOnly = allTriggers.filter(({ t }) => t.vitals?.length && !t.findings_all?.length && !t.findings_any?.length
  && t.age_min_years === undefined && t.age_max_years === undefined && t.sex === undefined && t.pregnant === undefined);

test('every vitals-only trigger fires on its vitals alone and quotes the measured values', () => {
  assert.ok(vitalsOnly.length > 0, 'the knowledge base has red flags triggered by vitals alone');
  for (const { rf, t, i } of vitalsOnly) {
    const ev = evidenceFor(t, { age: undefined, sex: undefined });
    const fired = detectRedFlags(only(rf, t), ev);
    assert.equal(fired.length, 1, `${rf.id} trigger ${i} did not fire on ${JSON.stringify(ev.vitals)}`);
    for (const c of t.vitals!) assert.ok(fired[0].evidence.includes(vitalText(c.name, ev.vitals[c.name]!)), `${rf.id}: evidence ${JSON.stringify(fired[0].evidence)} quotes ${c.name}`);
  }
});

test('SpO2 85, SBP 80 and GCS 8, each alone, raise an emergency flag with the value as evidence', () => {
  const cases: [VitalName, number, RegExp][] = [['spo2', 85, /spo2|oxygen|hypox/i], ['sbp', 80, /sbp|systolic|hypotens|shock/i], ['gcs', 8, /gcs|conscious|coma/i]];
  for (const [name, value, labelRe] of cases) {
    const fired = flagsFor({ vitals: { [name]: value } as DiagnosisRequestT['vitals'] });
    const emergency = fired.filter((f) => f.urgency === 'emergency');
    assert.ok(emergency.length > 0, `${name} ${value}: no emergency flag (fired: ${fired.map((f) => f.id).join(', ') || 'none'})`);
    // quoted as the measurement, or as the label of the vital-state finding the measurement switched on
    const quoted = (f: FiredFlag) => f.evidence.some((e) => e === vitalText(name, value) || (labelRe.test(e) && ckb.findings.some((x) => x.vital?.name === name && x.label === e)));
    assert.ok(emergency.some(quoted), `${name} ${value}: evidence ${JSON.stringify(emergency.map((f) => f.evidence))}`);
  }
  assert.deepEqual(flagsFor({ vitals: { spo2: 98, sbp: 124, gcs: 15, heart_rate: 72 } }), [], 'normal vitals raise nothing');
});

test('findings raise flags with the patient\'s words quoted: thunderclap headache; chest pain with sweating', () => {
  const headache = flagsFor({ text: 'Sudden thunderclap headache, the worst headache of my life.', patient: { age: 45, sex: 'female' } });
  const h = headache.find((f) => f.urgency === 'emergency');
  assert.ok(h, `thunderclap headache: ${headache.map((f) => f.id).join(', ') || 'nothing fired'}`);
  assert.ok(h.evidence.some((e) => /^".*"$/.test(e) && /headache/i.test(e)), `quotes the words: ${JSON.stringify(h.evidence)}`);

  const chest = flagsFor({ text: 'Crushing chest pain for an hour, sweating a lot.', patient: { age: 58, sex: 'male' } });
  const c = chest.find((f) => f.urgency === 'emergency' && f.evidence.some((e) => /chest/i.test(e)));
  assert.ok(c, `chest pain with diaphoresis: ${chest.map((f) => `${f.id}:${f.urgency}`).join(', ') || 'nothing fired'}`);
  assert.ok(c.evidence.some((e) => /sweat/i.test(e)), `quotes the sweating: ${JSON.stringify(c.evidence)}`);

  assert.equal(flagsFor({ text: 'Mild runny nose and sneezing since yesterday.', patient: { age: 30, sex: 'female' } }).filter((f) => f.urgency === 'emergency').length, 0, 'a cold raises no emergency');

  // a flag on a broad finding quotes the words of the narrower one that implies it
  const tearing = flagsFor({ text: 'Sudden tearing chest pain, fainted once. BP 85/50.', patient: { age: 60, sex: 'male' } });
  const quotes = tearing.flatMap((f) => f.evidence);
  assert.ok(quotes.length > 0 && quotes.every((e) => !/^Chest pain$/i.test(e)), `quotes words, not labels: ${JSON.stringify(quotes)}`);
});

test('airway and collapse signs: stridor needs same-day care in a child and is an emergency in an adult; collapse after an allergen is anaphylaxis; eyes forced upward after an antipsychotic is acute dystonia', () => {
  const level = (req: DiagnosisRequestT) => assessUrgency(flagsFor(req)).level;
  assert.equal(level({ text: 'I have noticed a high pitched sound when breathing in.', patient: { age: 29, sex: 'male' } }), 'emergency');
  assert.equal(level({ text: 'He makes a high pitched sound when breathing in when he cries.', patient: { age: 4, sex: 'male' } }), 'urgent');
  const ears = flagsFor({ text: 'I hear a high pitched sound in my ears.', patient: { age: 40, sex: 'female' } });
  assert.ok(!ears.some((f) => /stridor/i.test(f.label)), `tinnitus is not stridor: ${ears.map((f) => f.id).join(', ')}`);
  assert.equal(level({ text: 'Noisy high-pitched breathing in, struggling to breathe at rest.', patient: { age: 3, sex: 'male' } }), 'emergency');
  assert.equal(level({ text: 'Ate something I am allergic to, itchy rash all over, then I lost consciousness.', patient: { age: 30, sex: 'male' } }), 'emergency');
  const dystonia = flagsFor({ text: 'Started an antipsychotic 3 days ago. Unable to control the direction of my eyes, and I felt like I was suffocating.', patient: { age: 32, sex: 'female' } });
  assert.ok(dystonia.some((f) => f.urgency !== undefined && /dystoni/i.test(f.label)), `acute dystonia: ${dystonia.map((f) => f.id).join(', ') || 'nothing fired'}`);
});

test('age, sex and pregnancy conditions of a trigger are respected', () => {
  const conditioned = allTriggers.filter(({ t }) => t.age_min_years !== undefined || t.age_max_years !== undefined || t.sex !== undefined || t.pregnant !== undefined)
    .filter(({ t }) => !(t.sex === 'male' && t.pregnant === true));
  assert.ok(conditioned.length > 0, 'the knowledge base has red flags conditioned on age, sex or pregnancy');
  let checks = 0;
  for (const { rf, t, i } of conditioned) {
    const kb1 = only(rf, t);
    const name = `${rf.id} trigger ${i}`;
    const ok = evidenceFor(t);
    assert.equal(detectRedFlags(kb1, ok).length, 1, `${name} fires when its conditions hold (age ${ok.age}, ${ok.sex}, pregnant ${ok.present.has(ckb.kb.qualifiers.patient_map.pregnant_finding)})`);
    if (t.age_min_years !== undefined && t.age_min_years > 0) {
      assert.equal(detectRedFlags(kb1, evidenceFor(t, { age: t.age_min_years - Math.min(1, t.age_min_years / 2) })).length, 0, `${name} fired below age ${t.age_min_years}`); checks++;
    }
    if (t.age_max_years !== undefined) {
      assert.equal(detectRedFlags(kb1, evidenceFor(t, { age: t.age_max_years + 1 })).length, 0, `${name} fired above age ${t.age_max_years}`); checks++;
    }
    if (t.age_min_years !== undefined || t.age_max_years !== undefined) {
      // unknown age: a paediatric-only trigger (age_max) stays silent; an adult threshold (age_min) still fires
      const { age: _a, ...noAge } = evidenceFor(t);
      void _a;
      const expected = t.age_max_years !== undefined ? 0 : 1;
      assert.equal(detectRedFlags(kb1, noAge as Evidence).length, expected, `${name} with the age unknown: expected ${expected ? 'to fire' : 'silence'}`); checks++;
    }
    if (t.sex !== undefined) {
      assert.equal(detectRedFlags(kb1, evidenceFor(t, { sex: t.sex === 'male' ? 'female' : 'male', pregnant: undefined })).length, 0, `${name} fired for the other sex`); checks++;
    }
    // a trigger whose own findings imply pregnancy (a pregnancy-stage finding) cannot be fed a non-pregnant patient
    const pregnantFinding = ckb.kb.qualifiers.patient_map.pregnant_finding;
    const impliesPregnancy = [...(t.findings_all ?? []), ...(t.findings_any ?? [])].some((id) => id === pregnantFinding || ckb.ancestors.get(id)?.includes(pregnantFinding));
    if (t.pregnant === true && !impliesPregnancy) {
      assert.equal(detectRedFlags(kb1, evidenceFor(t, { pregnant: false })).length, 0, `${name} fired in a patient who is not pregnant`); checks++;
      assert.equal(detectRedFlags(kb1, evidenceFor(t, { sex: 'male', pregnant: undefined })).length, 0, `${name} fired in a male patient`); checks++;
    }
  }
  assert.ok(checks > 0);
});

test('assessUrgency: the differential raises urgency only where enough of it needs that care, and never lowers a red flag', () => {
  const cond = (urgency: 'emergency' | 'urgent' | 'routine' | 'self_care', probability: number) => ({ urgency, probability, name: `${urgency} condition`, severity: 3 });
  assert.equal(assessUrgency([], [cond('routine', 0.6), cond('emergency', 0.2)]).level, 'emergency');
  assert.equal(assessUrgency([], [cond('routine', 0.6), cond('emergency', 0.1)]).level, 'routine', 'an emergency condition below the floor does not raise urgency');
  assert.equal(assessUrgency([], [cond('routine', 0.6), cond('emergency', 0.1)], 0.05).level, 'emergency', 'the floor is a parameter');
  assert.equal(assessUrgency([], [cond('self_care', 0.9)]).level, 'self_care');
  const raised = assessUrgency([], [cond('self_care', 0.5), cond('urgent', 0.4)]);
  assert.equal(raised.level, 'urgent');
  assert.match(raised.recommended_action, /urgent condition/);
  assert.equal(raised.time_to_care, 'within 24 hours');
  // the conditions needing at least urgent care count together: 0.1 + 0.08 urgent-or-worse is above the floor
  const together = assessUrgency([], [cond('self_care', 0.7), cond('urgent', 0.1), cond('emergency', 0.08)]);
  assert.equal(together.level, 'urgent');
  assert.match(together.recommended_action, /urgent condition/, 'the action names the most probable condition of that level or worse');

  const flag: FiredFlag = { id: 'x', label: 'x', urgency: 'emergency', action: 'Call an ambulance.', time_to_care: 'immediately', evidence: ['spo2 85'] };
  const withFlag = assessUrgency([flag], [cond('self_care', 0.95)]);
  assert.equal(withFlag.level, 'emergency');
  assert.equal(withFlag.recommended_action, 'Call an ambulance.');
  assert.equal(withFlag.red_flags.length, 1);
});

test('assessUrgency: a routine appointment over self-care needs its own, higher share of the posterior', () => {
  const cond = (urgency: 'routine' | 'self_care', probability: number) => ({ urgency, probability, name: `${urgency} condition`, severity: 4 });
  assert.equal(assessUrgency([], [cond('self_care', 0.8), cond('routine', 0.2)], 0.15, 0.25).level, 'self_care');
  assert.equal(assessUrgency([], [cond('self_care', 0.7), cond('routine', 0.3)], 0.15, 0.25).level, 'routine');
});

test('assessUrgency: a can\'t-miss diagnosis (severity 1-2) in the differential raises triage to urgent, not to emergency', () => {
  const severe = { urgency: 'emergency' as const, probability: 0.08, name: 'can\'t-miss condition', severity: 1 };
  const lead = { urgency: 'self_care' as const, probability: 0.85, name: 'self-limiting condition', severity: 5 };
  const u = assessUrgency([], [lead, severe]);
  assert.equal(u.level, 'urgent');
  assert.match(u.recommended_action, /can't-miss condition/);
  assert.equal(assessUrgency([], [lead, { ...severe, probability: 0.01 }]).level, 'self_care', 'below the can\'t-miss floor it does not count');
});

test('assessUrgency: a flat differential with nothing above the floor is not called self-care', () => {
  // no red flag, a non-empty differential, every condition below 0.15: nothing supports self-care advice
  assert.notEqual(assessUrgency([], [cond2('routine', 0.12), cond2('urgent', 0.1), cond2('self_care', 0.08)]).level, 'self_care');
});

function cond2(urgency: 'emergency' | 'urgent' | 'routine' | 'self_care', probability: number) {
  return { urgency, probability, name: `${urgency} condition`, severity: 3 };
}

test('ECG changes written in a note: ST elevation is an emergency by itself, and "ST depression" is no depression', () => {
  const level = (req: DiagnosisRequestT) => assessUrgency(flagsFor(req)).level;
  assert.equal(level({ text: 'ECG: ST elevation in II, III and aVF.', patient: { age: 58, sex: 'male' } }), 'emergency');
  assert.equal(level({ text: 'Chest pain for 1 hour. ECG shows ST depression in V4-V6.', patient: { age: 64, sex: 'female' } }), 'emergency');
  const ids = parseText(realKb(), 'ECG shows ST depression in V4-V6.').findings.map((f) => f.id);
  assert.ok(ids.includes('st_depression_ecg') && !ids.includes('hx_depression'), ids.join(','));
});

test('a condition\'s urgency is raised for the patients the knowledge base names at risk, and only for them', () => {
  const raised = ckb.conditions.filter((c) => c.urgency_raised?.length);
  assert.ok(raised.length > 0, 'the knowledge base raises some conditions for patients at risk');
  const ev = (present: string[], age?: number, sex?: 'male' | 'female') => ({ present: new Set(present), ...(age !== undefined ? { age } : {}), ...(sex ? { sex } : {}) });
  const other = { male: 'female', female: 'male' } as const;
  for (const c of raised) {
    // a patient of the other sex than any entry names
    const sexed = c.urgency_raised!.find((r) => r.sex)?.sex;
    const neutralSex = sexed ? other[sexed] : undefined;
    // an age between every entry's limits, with nothing of their lists, keeps the base level
    const lo = Math.max(0, ...c.urgency_raised!.map((r) => r.age_under ?? 0)), hi = Math.min(...c.urgency_raised!.map((r) => r.age_from ?? Infinity));
    const neutral = hi === Infinity ? Math.max(30, lo * 2) : (lo + hi) / 2;
    // (where the age limits overlap, every age is at risk: nothing to check without a risk)
    if (lo < hi) assert.equal(conditionUrgency(c, ev([], neutral, neutralSex)), c.urgency, `${c.id}: raised at age ${neutral} with no risk`);
    for (const r of c.urgency_raised!) {
      if (r.any_of?.length) assert.ok(URGENCY_RANK[conditionUrgency(c, ev([r.any_of[0]], 30))] >= URGENCY_RANK[r.to], `${c.id}: ${r.any_of[0]} does not raise it`);
      if (r.age_from !== undefined) assert.ok(URGENCY_RANK[conditionUrgency(c, ev([], r.age_from))] >= URGENCY_RANK[r.to], `${c.id}: age ${r.age_from} does not raise it`);
      if (r.age_under !== undefined) assert.ok(URGENCY_RANK[conditionUrgency(c, ev([], r.age_under / 2))] >= URGENCY_RANK[r.to], `${c.id}: age under ${r.age_under} does not raise it`);
      if (r.sex !== undefined && lo < hi) assert.ok(URGENCY_RANK[conditionUrgency(c, ev([], neutral, r.sex))] >= URGENCY_RANK[r.to], `${c.id}: a ${r.sex} patient does not raise it`);
    }
  }
});

test('triage follows the guidance for common self-limiting illness and raises it for those at risk', () => {
  const evidenceOf = (text: string, patient?: DiagnosisRequestT['patient']) => classify(ckb, { text, ...(patient ? { patient } : {}) }).evidence;
  const cystitis = ckb.conditionById.get('cystitis')!;
  // a woman of 16-64 with an uncomplicated lower UTI can be seen by a pharmacist; a man, or a woman of 65, needs a clinician
  assert.equal(conditionUrgency(cystitis, evidenceOf('burning when I pee', { age: 30, sex: 'female' })), 'self_care');
  assert.equal(conditionUrgency(cystitis, evidenceOf('burning when I pee', { age: 30, sex: 'male' })), 'routine');
  assert.equal(conditionUrgency(cystitis, evidenceOf('burning when I pee', { age: 70, sex: 'female' })), 'routine');
  // a raise for men holds while the sex is unknown; kidney signs need a clinician the same day
  assert.equal(conditionUrgency(cystitis, evidenceOf('burning when I pee', { age: 30 })), 'routine');
  assert.equal(conditionUrgency(cystitis, evidenceOf('burning when I pee, fever and pain in my side round to my back', { age: 30, sex: 'female' })), 'urgent');
  // hypoglycaemia with drowsiness is an emergency; gastroenteritis with dehydration needs a clinician the same day
  assert.equal(conditionUrgency(ckb.conditionById.get('hypoglycaemia')!, evidenceOf('sugar 2.1, sweaty and now very drowsy', { age: 81 })), 'emergency');
  assert.equal(conditionUrgency(ckb.conditionById.get('viral_gastroenteritis')!, evidenceOf('vomiting and diarrhoea, dry mouth and sunken eyes, dehydrated', { age: 2 })), 'urgent');
  assert.equal(conditionUrgency(ckb.conditionById.get('viral_gastroenteritis')!, evidenceOf('vomiting and diarrhoea, drinking rehydration solution', { age: 4 })), 'self_care', '"rehydration" is no misspelt dehydration');
  // a child's constipation with a faecal mass is no adult colorectal cancer referral
  const bowel = (age: number) => flagsFor({ text: 'streak of blood on the paper, palpable faecal mass LIF', patient: { age } }).some((f) => f.id === 'rf_rectal_bleeding_cancer');
  assert.equal(bowel(30), true);
  assert.equal(bowel(3), false);
});

test('review: a blue spell under 6 months, a head injury at 82 or under 1, adult "precordial catch" and shoulder-tip pain with pelvic pain are never self-care', () => {
  const urgencyOf = (text: string, patient?: DiagnosisRequestT['patient']) => {
    const ev = classify(ckb, { text, ...(patient ? { patient } : {}) }).evidence;
    return assessUrgency(detectRedFlags(ckb, ev)).level;
  };
  assert.equal(urgencyOf('she goes blue when she cries', { age: 0.25 }), 'emergency');
  assert.equal(urgencyOf('2yo, lips are blue and breathing fast, has breath holding spells', { age: 2 }), 'emergency');
  assert.equal(urgencyOf('period pain low down on the left, feel faint and have a pain in the tip of my shoulder', { age: 28, sex: 'female' }), 'emergency');
  const head = ckb.conditionById.get('minor_head_injury')!, pcs = ckb.conditionById.get('precordial_catch_syndrome')!;
  const ev = (age: number) => classify(ckb, { text: 'fell and hit my head, got a bump', patient: { age } }).evidence;
  assert.equal(conditionUrgency(head, ev(82)), 'urgent');
  assert.equal(conditionUrgency(head, ev(0.5)), 'urgent');
  assert.equal(conditionUrgency(head, ev(30)), 'self_care');
  assert.equal(conditionUrgency(pcs, classify(ckb, { text: 'sharp chest pain for a few seconds', patient: { age: 55 } }).evidence), 'urgent');
});
