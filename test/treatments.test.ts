// The treatment retriever on the real knowledge base keeps unsafe options away from the patient and says why:
// allergies (with cross-reactivity levels from allergy-groups.json), pregnancy, and major interactions with the
// current medications. Ids are picked from the knowledge base at test time, so the expectations are clinical,
// not tied to one author's file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAllergy, resolveDrug } from '../src/kb/compile.ts';
import type { AllergyGroupT, ConditionT } from '../src/kb/schema.ts';
import { allergyConflicts, interactionBetween, retrieveTreatments, type PatientContext, type TreatmentResult } from '../src/actors/treatments/retriever.ts';
import { realKb } from './helpers/kb.ts';

const ckb = realKb();
const patient = (over: Partial<PatientContext> = {}): PatientContext => ({ conditionFindings: new Set(), medications: [], allergies: [], ...over });
const optionsOf = (c: ConditionT) => [...c.treatments.first_line, ...(c.treatments.alternatives ?? [])];
const offered = (r: TreatmentResult, drug: string) => [...r.primary, ...r.alternatives].find((o) => o.drug === drug);
const drugName = (id: string) => ckb.drugById.get(id)?.name ?? id;

/** The allergy group a clinician means by "penicillin". */
function penicillinGroup(): AllergyGroupT {
  const { groups } = resolveAllergy(ckb, 'penicillin');
  assert.ok(groups.length > 0, '"penicillin" resolves to an allergy group');
  return ckb.allergyById.get(groups[0])!;
}

/** Membership as allergy-groups.json and the drug entries define it (the drug, its classes with their parents). */
function isMember(g: AllergyGroupT, drug: string): boolean {
  const d = ckb.drugById.get(drug)!;
  const cls = ckb.drugClassesOf.get(drug) ?? new Set<string>();
  return (d.allergy_groups ?? []).includes(g.id) || (g.drugs ?? []).includes(drug) || (g.classes ?? []).some((c) => cls.has(c));
}

test('penicillin allergy excludes every penicillin among the first-line options of bacterial conditions, saying why', () => {
  const g = penicillinGroup();
  const amoxicillin = resolveDrug(ckb, 'amoxicillin');
  assert.ok(amoxicillin && isMember(g, amoxicillin), 'amoxicillin is a penicillin');
  const conditions = ckb.conditions.filter((c) => c.treatments.first_line.some((t) => t.drug && ckb.drugById.has(t.drug) && isMember(g, t.drug)));
  assert.ok(conditions.length > 0, 'some bacterial condition is treated first-line with a penicillin');
  for (const c of conditions) {
    const r = retrieveTreatments(ckb, [c.id], patient({ allergies: ['penicillin'] }));
    for (const t of optionsOf(c)) {
      if (!t.drug || !ckb.drugById.has(t.drug) || !isMember(g, t.drug)) continue;
      assert.equal(offered(r, t.drug), undefined, `${c.id}: ${t.drug} still offered under penicillin allergy`);
      const ex = r.excluded.find((e) => e.drug === t.drug);
      assert.ok(ex, `${c.id}: ${t.drug} not listed as excluded`);
      assert.equal(ex.reason, 'allergy');
      assert.ok(ex.detail.length > 5, `${c.id}: ${t.drug} excluded without a reason`);
    }
    // without the allergy the same penicillins are offered
    const plain = retrieveTreatments(ckb, [c.id], patient());
    for (const t of c.treatments.first_line) if (t.drug && ckb.drugById.has(t.drug) && isMember(g, t.drug)) assert.ok(offered(plain, t.drug), `${c.id}: ${t.drug} offered without allergy`);
  }
});

test('a low cross-reactivity drug (e.g. a cephalosporin) stays allowed under penicillin allergy, with a note', () => {
  const g = penicillinGroup();
  const entries = g.cross_reactivity ?? [];
  const matches = (e: (typeof entries)[number], drug: string) => {
    const cls = ckb.drugClassesOf.get(drug) ?? new Set<string>();
    return (e.drugs ?? []).includes(drug) || (e.classes ?? []).some((c) => cls.has(c));
  };
  // drugs that only low-risk entries cover: unambiguous under any reading of the file
  const low = [...ckb.drugById.keys()].filter((d) => !isMember(g, d) && entries.some((e) => e.risk === 'low' && matches(e, d)) && !entries.some((e) => e.risk !== 'low' && matches(e, d)));
  assert.ok(low.length > 0, `the ${g.id} group lists a low-risk cross-reactivity that matches a catalogue drug`);
  const isCephalosporin = (d: string) => [...(ckb.drugClassesOf.get(d) ?? [])].some((c) => c.includes('cephalosporin'));
  const preferred = [...low.filter(isCephalosporin), ...low.filter((d) => !isCephalosporin(d))];
  for (const drug of preferred) {
    const conflicts = allergyConflicts(ckb, drug, ['penicillin']);
    assert.deepEqual(conflicts.map((x) => x.risk), ['low'], `${drug}: one low-risk conflict`);
  }
  const withCondition = preferred.map((drug) => ({ drug, c: ckb.conditions.find((c) => optionsOf(c).some((t) => t.drug === drug)) })).find((x) => x.c);
  assert.ok(withCondition?.c, `some condition offers one of ${preferred.slice(0, 5).join(', ')}`);
  const { drug, c } = withCondition;
  const r = retrieveTreatments(ckb, [c.id], patient({ allergies: ['penicillin'] }));
  const opt = offered(r, drug);
  assert.ok(opt, `${c.id}: ${drug} is still offered`);
  assert.match(opt.note ?? '', /cross-reactivity/i, `${c.id}: ${drug} carries a note about the allergy`);
  assert.equal(r.excluded.find((e) => e.drug === drug), undefined);
});

test('a drug contraindicated in pregnancy is excluded for a pregnant patient and offered otherwise', () => {
  const cases: { c: ConditionT; drug: string }[] = [];
  for (const c of ckb.conditions) {
    for (const t of optionsOf(c)) {
      const d = t.drug ? ckb.drugById.get(t.drug) : undefined;
      if (d && (d.pregnancy === 'contraindicated' || d.contraindications?.some((x) => x.kind === 'pregnancy' && x.severity === 'absolute'))) cases.push({ c, drug: d.id });
    }
  }
  assert.ok(cases.length > 0, 'some condition offers a drug contraindicated in pregnancy');
  for (const { c, drug } of cases) {
    const r = retrieveTreatments(ckb, [c.id], patient({ pregnant: true, age: 30 }));
    assert.equal(offered(r, drug), undefined, `${c.id}: ${drug} offered in pregnancy`);
    const ex = r.excluded.find((e) => e.drug === drug);
    assert.equal(ex?.reason, 'contraindication', `${c.id}: ${drug} excluded as ${ex?.reason}`);
    assert.ok(ex.detail.length > 5);
    const notPregnant = retrieveTreatments(ckb, [c.id], patient({ pregnant: false, age: 30 }));
    assert.ok(!notPregnant.excluded.some((e) => e.drug === drug && e.reason === 'contraindication' && /pregnan/i.test(e.detail)), `${c.id}: ${drug} excluded for pregnancy in a patient who is not pregnant`);
  }
});

test('a candidate with a major interaction with a current medication is excluded with reason interaction', () => {
  const offeredBy = new Map<string, ConditionT>();
  for (const c of ckb.conditions) for (const t of optionsOf(c)) if (t.drug && ckb.drugById.has(t.drug) && !offeredBy.has(t.drug)) offeredBy.set(t.drug, c);
  const cases: { c: ConditionT; candidate: string; med: string; severity: string }[] = [];
  for (const p of ckb.kb.interactions) {
    if (p.severity !== 'major' && p.severity !== 'contraindicated') continue;
    for (const [candidate, med] of [[p.drugs[0], p.drugs[1]], [p.drugs[1], p.drugs[0]]]) {
      const c = offeredBy.get(candidate);
      if (c && ckb.drugById.has(med)) cases.push({ c, candidate, med, severity: p.severity });
    }
  }
  assert.ok(cases.length > 0, 'some drug offered by a condition has a major interaction in interactions/');
  for (const { c, candidate, med } of cases.slice(0, 25)) {
    assert.equal(resolveDrug(ckb, drugName(med)), med, `the name "${drugName(med)}" resolves to ${med}`);
    const r = retrieveTreatments(ckb, [c.id], patient({ medications: [drugName(med)] }));
    assert.equal(offered(r, candidate), undefined, `${c.id}: ${candidate} offered to a patient on ${med}`);
    const ex = r.excluded.find((e) => e.drug === candidate);
    assert.equal(ex?.reason, 'interaction', `${c.id}: ${candidate} with ${med} excluded as ${ex?.reason}`);
    const worst = interactionBetween(ckb, candidate, med)!;
    assert.ok(ex.detail.includes(worst.severity) || ex.detail.includes('contraindicated'), `detail names the severity: ${ex.detail}`);
  }
  // the canonical example, named by its written forms
  const warfarin = resolveDrug(ckb, 'warfarin'), ibuprofen = resolveDrug(ckb, 'ibuprofen');
  assert.ok(warfarin && ibuprofen);
  assert.ok(['major', 'contraindicated'].includes(interactionBetween(ckb, warfarin, ibuprofen)?.severity ?? 'none'), 'warfarin + ibuprofen is at least major');
});

test('brand names and misspellings resolve to the catalogue', () => {
  const ibuprofen = resolveDrug(ckb, 'ibuprofen');
  const acetaminophen = resolveDrug(ckb, 'acetaminophen') ?? resolveDrug(ckb, 'paracetamol');
  const amoxicillin = resolveDrug(ckb, 'amoxicillin');
  assert.ok(ibuprofen && acetaminophen && amoxicillin, 'generic names resolve');
  assert.equal(resolveDrug(ckb, 'Advil'), ibuprofen);
  assert.equal(resolveDrug(ckb, 'Tylenol'), acetaminophen);
  assert.equal(resolveDrug(ckb, 'paracetamol'), acetaminophen, 'paracetamol and acetaminophen are one drug');
  assert.equal(resolveDrug(ckb, 'amoxicilin'), amoxicillin);
  assert.equal(resolveDrug(ckb, 'Advil 200 mg twice daily'), ibuprofen, 'dose text around the name');
  assert.equal(resolveDrug(ckb, 'qqqqqqqq'), undefined);
});

test('a drug missing from the catalogue does not resolve to a different drug', () => {
  // real drugs whose names lie within two edits of another drug's name or listed misspelling
  for (const name of ['terfenadine', 'telithromycin', 'erlotinib', 'norfloxacin']) {
    const id = resolveDrug(ckb, name);
    const d = id ? ckb.drugById.get(id)! : undefined;
    assert.ok(!d || [d.id, d.name, ...d.brands, ...(d.misspellings ?? [])].some((n) => n.toLowerCase() === name), `${name} resolved to ${id}`);
  }
});
