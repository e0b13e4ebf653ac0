// Priors when the case gives no age: the condition's age multiplier averaged over the population's age bands
// (qualifiers.population_age_shares), so that a disease of infants is not ranked as if every patient could be one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGE_BANDS, buildModelTables, encodeCase, DEFAULT_MODEL_PARAMS } from '../src/actors/matcher/model.ts';
import { finalizeEvidence } from '../src/actors/evidence.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const t = buildModelTables(ckb, DEFAULT_MODEL_PARAMS);
const unknown = AGE_BANDS.indexOf('unknown');

test('an unknown age takes the population-average age multiplier of each condition', () => {
  const shares = ckb.kb.qualifiers.population_age_shares!;
  assert.ok(Math.abs(Object.values(shares).reduce((a, b) => a + b, 0) - 1) < 0.01, 'shares sum to 1');
  // every condition whose multipliers are given: the row equals log(Σ share × multiplier)
  let checked = 0;
  ckb.conditions.forEach((c, ci) => {
    if (!c.prior.age) return;
    const avg = AGE_BANDS.filter((b) => b !== 'unknown').reduce((s, b) => s + (shares[b] ?? 0) * ((c.prior.age as Record<string, number>)[b] ?? 1), 0);
    assert.ok(Math.abs(t.wAge[unknown * t.C + ci] - Math.log(Math.max(DEFAULT_MODEL_PARAMS.minMultiplier, avg))) < 1e-4, c.id);
    checked++;
  });
  assert.ok(checked > 100);
  // a condition of infancy weighs less for an unknown age than for an infant
  const infantOnly = ckb.conditions.findIndex((c) => c.prior.age && (c.prior.age as Record<string, number>)['25-44'] === 0 && ((c.prior.age as Record<string, number>).lt1 ?? 0) > 1);
  assert.ok(infantOnly >= 0);
  assert.ok(t.wAge[unknown * t.C + infantOnly] < t.wAge[0 * t.C + infantOnly]);
});

test('a case without an age is encoded in the unknown band, a case with one in its own band', () => {
  const ev = (age?: number) => finalizeEvidence(ckb, { present: new Set(['fever']), absent: new Set(), recognised: [], vitals: {}, unresolved: 0, ...(age !== undefined ? { age } : {}) });
  assert.equal(encodeCase(ckb, t, ev()).age[unknown], 1);
  const adult = encodeCase(ckb, t, ev(30)).age;
  assert.equal(adult[unknown], 0);
  assert.equal(adult.reduce((a, b) => a + b, 0), 1);
});

test('a finding\'s own default probability replaces the model default for conditions that do not list it', () => {
  const f = ckb.findings.find((x) => x.default_p !== undefined);
  assert.ok(f, 'the knowledge base sets default_p somewhere');
  const fi = ckb.findingIndex.get(f.id)!;
  const unlisted = ckb.conditions.findIndex((c) => !c.findings.some((x) => x.id === f.id) && !(c.risk_factors ?? []).some((r) => r.id === f.id)
    && !c.findings.some((x) => (ckb.ancestors.get(x.id) ?? []).includes(f.id)));
  assert.ok(unlisted >= 0);
  assert.ok(Math.abs(t.p[fi * t.C + unlisted] - Math.max(0.001, f.default_p!)) < 1e-6);
});
