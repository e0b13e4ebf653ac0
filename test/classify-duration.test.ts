import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/actors/classifier/classify.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const evidence = (text: string) => classify(ckb, { text }).evidence;

test('a finding defined by its length follows the length written with its parent finding', () => {
  const long = evidence('He has had a cough for 10 weeks.');
  assert.ok(long.present.has('chronic_cough') && long.present.has('persistent_cough'), 'ten weeks is chronic, and so persistent');
  const weeks = evidence('A 4-week history of cough.');
  assert.ok(weeks.present.has('persistent_cough'));
  assert.ok(weeks.absent.has('chronic_cough'), 'four weeks is not yet chronic');
  const short = evidence('Dry cough for 3 days.');
  assert.ok(short.present.has('dry_cough'));
  assert.ok(short.absent.has('persistent_cough'), 'a narrower finding (dry cough) carries its length to the parent\'s rules');
  const plain = evidence('He has a cough.');
  assert.ok(!plain.present.has('chronic_cough') && !plain.absent.has('chronic_cough'), 'no length, nothing said');
});

test('an episode length above a rule\'s maximum says nothing; below its minimum rules the finding out', () => {
  const ms = evidence('Morning stiffness in the affected joints for less than 2 minutes.');
  assert.ok(ms.present.has('brief_stiffness_after_rest'));
  assert.ok(ms.absent.has('morning_stiffness_prolonged'));
  assert.ok(evidence('Morning stiffness for 2 hours.').present.has('morning_stiffness_prolonged'));
  const months = evidence('Morning stiffness for 3 months.');
  assert.ok(!months.present.has('morning_stiffness_prolonged') && !months.absent.has('morning_stiffness_prolonged'), 'an illness of months is not a stiffness lasting months');
  assert.ok(evidence('Vertigo for 30 seconds at a time.').absent.has('vertigo_attacks_hours'));
  assert.ok(evidence('Room-spinning vertigo for 2 hours.').present.has('vertigo_attacks_hours'));
});

test('an explicit mention outweighs a length, and the response names the finding it came from', () => {
  const r = classify(ckb, { text: 'Chronic cough. Cough for 3 days.' });
  assert.ok(r.evidence.present.has('chronic_cough'));
  const implied = classify(ckb, { text: 'Cough for 10 weeks.' }).evidence.recognised.find((x) => x.id === 'chronic_cough');
  assert.equal(implied?.match, 'implied');
  assert.equal(implied?.implied_by, 'cough');
});

test('every duration rule names findings of the vocabulary and a sensible range', () => {
  let rules = 0;
  for (const [of, list] of ckb.durationRules) {
    assert.ok(ckb.findingById.has(of), of);
    for (const r of list) { rules++; assert.ok(r.minHours < r.maxHours, r.id); }
  }
  assert.ok(rules >= 10, `rules: ${rules}`);
});

test('the last menstrual period written as time ago: a missed period, none, or postmenopause', () => {
  assert.ok(evidence('28 year old woman. Her LMP was 9 weeks ago.').present.has('missed_period'));
  assert.ok(evidence('30F, last menstrual period was 2 weeks ago, pelvic pain.').absent.has('missed_period'), 'within a cycle');
  assert.ok(evidence('60 year old woman. LMP: 7 years ago.').present.has('postmenopausal_status'));
  assert.ok(!evidence('45 year old man. LMP 9 weeks ago.').present.has('missed_period'));
  const ob = ckb.kb.qualifiers.lmp!;
  assert.ok(ckb.findingById.has(ob.late_finding) && ckb.findingById.has(ob.postmenopause_finding));
});

test('obstetric parity notation reads multiparity or nulliparity; a heart sound "P2" is not parity', () => {
  assert.ok(evidence('She is G5 P2.').present.has('multiparity'));
  assert.ok(evidence('Para 4She presented with heavy bleeding.').present.has('multiparity'), 'a sentence run into the next after a digit');
  assert.ok(evidence('G1P0 at 10 weeks.').present.has('nulliparity'));
  assert.ok(!evidence('Loud P2 on auscultation.').present.has('multiparity'));
});

test('a number and its unit written as one word are a duration ("cough x5d", "fever 3wks")', () => {
  assert.ok(evidence('Cough x10wks.').present.has('chronic_cough'));
  assert.ok(evidence('Fever 3wks.').present.has('prolonged_fever'));
});

test('an age is no duration, and each finding takes the nearest duration', () => {
  const aged = evidence('62 year old man with a cough.');
  assert.ok(!aged.present.has('chronic_cough'), '"62 year old" is the man\'s age, not the cough\'s length');
  const two = classify(ckb, { text: 'Fever for 3 days and a cough for 2 weeks.' }).evidence.recognised;
  assert.equal(two.find((f) => f.id === 'cough')?.duration_hours, 336);
  assert.equal(two.find((f) => f.id === 'fever')?.duration_hours, 72);
});

test('the length of an illness of episodes says nothing of a finding defined by one episode\'s length', () => {
  const weeks = evidence('Episodes of vertigo for 2 weeks.');
  assert.ok(!weeks.present.has('continuous_vertigo') && !weeks.absent.has('continuous_vertigo'), 'two weeks of episodes is not two weeks of continuous vertigo');
  const attack = evidence('Vertigo attacks lasting 2 hours.');
  assert.ok(attack.present.has('vertigo_attacks_hours'), '"lasting" measures one attack');
  assert.ok(evidence('Room-spinning vertigo for 2 days.').present.has('continuous_vertigo'));
});
