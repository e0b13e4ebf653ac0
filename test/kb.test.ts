import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKnowledgeBase } from '../src/kb/load.ts';
import { checkKb, kbCounts, loadIcd10Codes } from '../src/kb/check.ts';

const kb = loadKnowledgeBase();

test('knowledge base: schema, ids, cross-references, synonyms and ICD-10-CM codes are consistent', (t) => {
  const icd = loadIcd10Codes();
  if (!icd) t.diagnostic('../shared/data/icd10cm absent: ICD-10-CM codes not checked against the code set');
  const problems = checkKb(kb, icd);
  assert.deepEqual(problems.slice(0, 25), [], `${problems.length} problem(s)`);
});

test('knowledge base: breadth targets of issue 3', () => {
  const c = kbCounts(kb);
  assert.ok(c.conditions >= 300, `conditions ${c.conditions} < 300`);
  assert.ok(c.findings >= 600, `findings ${c.findings} < 600`);
  assert.ok(c.synonyms >= 4000, `synonyms ${c.synonyms} < 4000`);
  assert.ok(c.redFlags >= 80, `red flags ${c.redFlags} < 80`);
  assert.ok(c.drugs >= 300, `drugs ${c.drugs} < 300`);
  assert.ok(c.interactionPairs >= 400, `interaction pairs ${c.interactionPairs} < 400`);
});

test('every condition names sources, a first-line option and discriminating findings', () => {
  for (const c of kb.conditions) {
    assert.ok(c.sources.length > 0, c.id);
    assert.ok(c.treatments.first_line.length > 0, `${c.id} has no first-line option`);
    assert.ok(c.findings.length >= 3, `${c.id} lists fewer than 3 findings`);
    // some conditions are mostly silent (an unruptured aneurysm); still, one finding must point at it clearly
    assert.ok(c.findings.some((f) => f.p >= 0.1), `${c.id} has no characteristic finding (p >= 0.1, five times the default)`);
  }
});

test('can\'t-miss emergencies are present and triaged as emergencies', () => {
  const byCode = (prefix: string) => kb.conditions.filter((c) => c.icd10.some((x) => x.replace('.', '').startsWith(prefix)));
  // ICD-10-CM categories of MI, aortic dissection, PE, stroke, SAH, meningitis, sepsis, ectopic pregnancy, torsion, DKA, anaphylaxis
  for (const prefix of ['I21', 'I710', 'I26', 'I63', 'I60', 'G00', 'A41', 'O00', 'N440', 'E1110', 'T782']) {
    const found = byCode(prefix);
    assert.ok(found.length > 0, `no condition coded ${prefix}`);
    assert.ok(found.some((c) => c.urgency === 'emergency' && c.severity <= 2), `${prefix} is not an emergency of severity <= 2`);
  }
});

test('kb check: family_of must name known findings, each mapped to one family-history finding', () => {
  const bad = structuredClone(kb);
  const fams = bad.findings.filter((f) => f.family_of?.length);
  assert.ok(fams.length >= 2, 'the vocabulary maps relatives\' conditions through family_of');
  fams[1].family_of = [...fams[1].family_of!, fams[0].family_of![0], 'no_such_finding'];
  const problems = checkKb(bad);
  assert.ok(problems.some((p) => p.includes(`'${fams[0].family_of![0]}' is already in the family_of of ${fams[0].id}`)), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes("unknown finding (family_of) 'no_such_finding'")), problems.join('\n'));
});

test('kb check: urgency_raised names known findings, says for whom, and raises', () => {
  const bad = structuredClone(kb);
  const c = bad.conditions.find((x) => x.urgency === 'routine')!;
  c.urgency_raised = [
    { to: 'urgent', any_of: ['no_such_finding'], sources: ['test'] },
    { to: 'urgent', sources: ['test'] },
    { to: 'self_care', age_from: 65, sources: ['test'] },
  ];
  const problems = checkKb(bad).filter((p) => p.includes(c.id));
  assert.ok(problems.some((p) => p.includes("unknown finding (urgency raised) 'no_such_finding'")), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('an urgency_raised entry says for whom')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('urgency_raised to self_care is no raise from routine')), problems.join('\n'));
});
