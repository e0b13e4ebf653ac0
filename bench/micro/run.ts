/**
 * npm run bench:micro — cost per request of the pure stages, measured in-process with perf_hooks histograms:
 *   parser:     a 200-word clinical note → findings (main-thread cost of the symptom classifier);
 *   model:      the ONNX diagnosis model per request at batch sizes 1 and 32 (what one worker spends);
 *   encode:     evidence → dense model input;
 *   treatments: filtering first-line options against allergies, contraindications and interactions;
 *   worst case: the classifier on a 20,000-character text (the request limit) written as one run-on sentence, the
 *               shape that makes per-sentence work largest; and on number readers' names each followed by 2,000
 *               blanks, the input that makes a badly written pattern backtrack.
 * Prints JSON; targets from issue 4 are shown next to the figures, nothing passes or fails.
 */
import { createHistogram } from 'node:perf_hooks';
import { loadKnowledgeBase } from '../../src/kb/load.ts';
import { compileKb } from '../../src/kb/compile.ts';
import { assertFreshArtifacts, } from '../../src/kb/artifacts.ts';
import { DEFAULT_KB_DIR } from '../../src/kb/load.ts';
import { parseText } from '../../src/actors/classifier/parser.ts';
import { classify } from '../../src/actors/classifier/classify.ts';
import { buildModelTables, encodeCase, AGE_BANDS, SEXES } from '../../src/actors/matcher/model.ts';
import { InferenceEngine } from '../../src/actors/matcher/inference.ts';
import { retrieveTreatments } from '../../src/actors/treatments/retriever.ts';

const NOTE = [
  '67 year old man presents with 3 days of worsening shortness of breath and a productive cough with green sputum.',
  'He reports fever up to 38.9, chills and pleuritic chest pain on the right side, worse on deep breathing.',
  'He denies haemoptysis, leg swelling, calf pain, recent travel or surgery. No palpitations, no syncope, no nausea or vomiting.',
  'Past history of COPD, type 2 diabetes and hypertension; ex-smoker with 40 pack years. Lives with his wife, independent.',
  'Medications: metformin, lisinopril, tiotropium inhaler, atorvastatin. Allergic to penicillin (rash).',
  'On examination he looks unwell, RR 26, HR 112, BP 104/62, T 38.7, SpO2 89% on room air.',
  'Crackles and bronchial breathing at the right base, dull to percussion. Mild confusion, oriented to person only.',
  'No neck stiffness, no rash. Abdomen soft, non-tender. Calves soft and non-tender. Mother had a stroke at 70.',
  'He has had two similar chest infections this winter and finished a course of doxycycline three weeks ago.',
  'His daughter says he has been more breathless over the last week, sleeping in a chair, with a wet cough at night and',
  'ankle swelling that is new. He drinks about ten units of alcohol a week and has not had his flu vaccine this year.',
].join(' ');

function measure(name: string, fn: () => unknown, iterations: number, perItem = 1) {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  const h = createHistogram();
  for (let i = 0; i < iterations; i++) { const t = process.hrtime.bigint(); fn(); h.record(process.hrtime.bigint() - t); }
  return { name, iterations, per_item: perItem, mean_us: +(h.mean / 1000 / perItem).toFixed(2), p50_us: +(h.percentile(50) / 1000 / perItem).toFixed(2), p99_us: +(h.percentile(99) / 1000 / perItem).toFixed(2) };
}

async function measureAsync(name: string, fn: () => Promise<unknown>, iterations: number, perItem: number) {
  for (let i = 0; i < 50; i++) await fn();
  const h = createHistogram();
  for (let i = 0; i < iterations; i++) { const t = process.hrtime.bigint(); await fn(); h.record(process.hrtime.bigint() - t); }
  return { name, iterations, per_item: perItem, mean_us: +(h.mean / 1000 / perItem).toFixed(2), p50_us: +(h.percentile(50) / 1000 / perItem).toFixed(2), p99_us: +(h.percentile(99) / 1000 / perItem).toFixed(2) };
}

async function main() {
  const manifest = assertFreshArtifacts(DEFAULT_KB_DIR);
  const ckb = compileKb(loadKnowledgeBase());
  const t = buildModelTables(ckb, manifest.params);
  const words = NOTE.split(/\s+/).length;
  const results = [];
  results.push({ ...measure('parser (note)', () => parseText(ckb, NOTE), 3000), words, target_us: 1000 });
  const runOn = 'no fever, no cough, abdomen soft and non tender, pain and swelling in the left knee, not taking aspirin, '.repeat(200).slice(0, 20_000);
  results.push({ ...measure('classifier (20,000-character run-on text)', () => classify(ckb, { text: runOn }), 50), characters: runOn.length });
  // the patterns that read numbers (vital signs, lab results, dates) against a long run of blanks after each name:
  // a pattern with two optional blanks in a row backtracks quadratically or worse on it
  const blanks = ['HR', 'BP', 'temp', 'sats', 'Hb', 'K', 'glucose', 'calcium', 'BMI', 'LMP'].map((name) => `${name}${' '.repeat(2_000)}x`).join(' ');
  results.push({ ...measure('classifier (number readers against 20,000 blanks)', () => classify(ckb, { text: blanks }), 20), characters: blanks.length });
  const cl = classify(ckb, { text: NOTE });
  results.push(measure('encode case', () => encodeCase(ckb, t, cl.evidence), 3000));
  const engine = await InferenceEngine.open(manifest);
  const enc = encodeCase(ckb, t, cl.evidence);
  for (const n of [1, 32]) {
    const present = new Float32Array(n * t.F), absent = new Float32Array(n * t.F), age = new Float32Array(n * AGE_BANDS.length), sex = new Float32Array(n * SEXES.length);
    for (let i = 0; i < n; i++) { present.set(enc.present, i * t.F); absent.set(enc.absent, i * t.F); age.set(enc.age, i * AGE_BANDS.length); sex.set(enc.sex, i * SEXES.length); }
    results.push({ ...(await measureAsync(`model onnx batch ${n}`, () => engine.diagnose({ n, present, absent, age, sex }), n === 1 ? 2000 : 300, n)), target_us: n === 32 ? 500 : undefined });
  }
  const ids = ckb.conditions.slice(0, 3).map((c) => c.id);
  results.push(measure('treatments (3 conditions)', () => retrieveTreatments(ckb, ids, { conditionFindings: cl.evidence.present, medications: ['metformin', 'lisinopril', 'tiotropium', 'atorvastatin'], allergies: ['penicillin'] }), 2000));
  console.log(JSON.stringify({ findings: t.F, conditions: t.C, results }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
