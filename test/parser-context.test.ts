import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from '../src/actors/classifier/parser.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const find = (text: string) => parseText(ckb, text);
const state = (r: ReturnType<typeof find>, id: string) => r.findings.find((f) => f.id === id);
const present = (text: string, id: string) => state(find(text), id)?.present;

test('a family cue after the finding ("heart disease in her father") makes it family history', () => {
  const r = find('Family history: Heart disease in her father, who died at age 40.');
  assert.equal(state(r, 'family_hx_cad')?.present, true);
  assert.equal(state(r, 'hx_coronary_artery_disease'), undefined, 'the father\'s disease is not the patient\'s');
  assert.equal(state(find('Father died of heart disease at 50.'), 'hx_coronary_artery_disease'), undefined);
  assert.equal(state(find('Asthma in his brother.'), 'hx_asthma'), undefined);
});

test('a habit followed by a stop cue is its past form ("smoking history but quit"), through the vocabulary\'s past_of', () => {
  for (const text of ['He has a 25-pack-year smoking history but quit 5 years ago.', 'A 30-pack-year smoking history but does not smoke currently.']) {
    const r = find(text);
    assert.equal(state(r, 'former_smoker')?.present, true, text);
    assert.notEqual(state(r, 'smoker')?.present, true, text);
  }
  assert.equal(state(find('He smokes 20 a day and has stopped his statin.'), 'smoker')?.present, true, 'a stop cue with an object of its own');
  for (const f of ckb.kb.findings) for (const x of f.past_of ?? []) assert.equal(ckb.pastOf.get(x), f.id);
});

test('a negated list stops where the history starts, unless "or" closes the list with it', () => {
  assert.equal(present('No fever, PMH asthma', 'hx_asthma'), true);
  assert.equal(present('Denies chest pain, history of MI', 'hx_coronary_artery_disease'), true);
  assert.equal(present('No fever, PMH asthma', 'fever'), false);
  assert.equal(present('She has no fever, redness, locking or history of injury', 'trauma_recent'), false);
  assert.equal(present('no fever, no history of asthma', 'hx_asthma'), false);
});

test('"and" with a verb of its own ends a negation without a comma: "lost weight without trying and feels tired"', () => {
  assert.equal(present('He has lost 6 kg without trying and feels tired.', 'fatigue'), true);
  assert.equal(present('no cough and has a fever', 'fever'), true);
  assert.equal(present('no cough and has a fever', 'cough'), false);
  assert.equal(present('no fever, chills and night sweats', 'night_sweats'), false);
});

test('a relative who noticed or says something reports it; a family cue may end on the phrase\'s first word', () => {
  const read = (text: string) => find(text).findings;
  // the mother reports the child's rash: the patient's
  assert.equal(read('her mother has just noticed several small purple spots on her trunk').find((f) => f.id === 'non_blanching_rash')?.context, 'patient');
  // "Mother had a stroke at 70": the mother's, not the patient's
  assert.equal(read('Mother had a stroke at 70.').some((f) => f.id === 'hx_stroke'), false);
  // a word-order-free match does not run past a new subject
  assert.equal(read('my mum says I have asthma').some((f) => f.id === 'family_hx_asthma'), false);
  // a country is no misspelt sprain
  assert.equal(read('I travelled to Spain last week').some((f) => f.id === 'trauma_recent'), false);
});

test('review: only an "or" before the history cue keeps the history in a negated list', () => {
  assert.equal(present('no fever, cough, PMH asthma or eczema', 'hx_asthma'), true);
  assert.equal(present('No fever, PMH asthma or COPD', 'hx_copd'), true);
  assert.equal(present('No fever, cough or history of asthma', 'hx_asthma'), false);
});

test('a "Past history:" line is history: a symptom listed there is no current complaint', () => {
  const f = parseText(ckb, 'Past history: Eczema.').findings.find((x) => x.id === 'flexural_eczema');
  assert.equal(f?.context, 'history');
  assert.equal(parseText(ckb, 'Past history: Asthma.').findings.find((x) => x.id === 'hx_asthma')?.present, true);
});
