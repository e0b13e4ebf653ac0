/**
 * Treatment retriever: first-line and alternative options of the leading conditions, filtered for the patient.
 * An option is excluded (and the reason is said) when it conflicts with an allergy (including cross-reactive
 * groups at moderate or high risk), a contraindication (pregnancy, age, the patient's conditions), or an
 * interaction of major severity or worse with a current medication. Interactions among the current
 * medications themselves are reported too. Pure; all facts come from the knowledge base.
 */
import type { CompiledKb } from '../../kb/compile.ts';
import { resolveAllergy, resolveDrug } from '../../kb/compile.ts';
import type { DrugT } from '../../kb/schema.ts';

export type Severity = 'contraindicated' | 'major' | 'moderate' | 'minor';
const SEV_RANK: Record<Severity, number> = { minor: 0, moderate: 1, major: 2, contraindicated: 3 };

export interface Interaction { drugs: [string, string]; severity: Severity; mechanism: string; advice: string; detail: string; rule?: string }
export interface AllergyConflict { drug: string; allergy: string; risk: 'high' | 'moderate' | 'low'; detail: string }

export interface TreatmentOption { condition_id: string; name: string; kind: string; drug?: string; note?: string }
export interface Excluded { condition_id: string; name: string; drug: string; reason: 'allergy' | 'contraindication' | 'interaction'; detail: string }
export interface TreatmentResult {
  primary: TreatmentOption[];
  alternatives: TreatmentOption[];
  excluded: Excluded[];
  interactions: Interaction[];
  self_care: string[];
  seek_care: string[];
}

export interface PatientContext {
  age?: number;
  pregnant?: boolean;
  /** finding ids of the patient's known conditions */
  conditionFindings: Set<string>;
  medications: string[];
  allergies: string[];
  breastfeeding?: boolean;
  /** the history finding that means chronic kidney disease, for eGFR-bound rules */
  ckdFinding?: string;
  /** the finding that means pregnancy */
  pregnancyFinding?: string;
}

function classesOf(ckb: CompiledKb, drug: string): Set<string> { return ckb.drugClassesOf.get(drug) ?? new Set(); }

function sideMatches(ckb: CompiledKb, side: { classes?: string[]; drugs?: string[] }, drug: string): boolean {
  if (side.drugs?.includes(drug)) return true;
  const cls = classesOf(ckb, drug);
  return (side.classes ?? []).some((c) => cls.has(c));
}

const pairIndexes = new WeakMap<CompiledKb, Map<string, CompiledKb['kb']['interactions'][number]>>();
function pairIndex(ckb: CompiledKb) {
  let idx = pairIndexes.get(ckb);
  if (!idx) {
    idx = new Map();
    for (const p of ckb.kb.interactions) idx.set([...p.drugs].sort().join('|'), p);
    pairIndexes.set(ckb, idx);
  }
  return idx;
}

const memo = new WeakMap<CompiledKb, Map<string, Interaction | null>>();

/** Interactions between two drugs: the explicit pair, else the most severe class rule. Memoised per drug pair. */
export function interactionBetween(ckb: CompiledKb, a: string, b: string): Interaction | undefined {
  if (a === b) return undefined;
  let m = memo.get(ckb);
  if (!m) { m = new Map(); memo.set(ckb, m); }
  const key = `${a}|${b}`;
  const hit = m.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const found = computeInteraction(ckb, a, b);
  if (m.size > 100_000) m.clear();
  m.set(key, found ?? null);
  return found;
}

function computeInteraction(ckb: CompiledKb, a: string, b: string): Interaction | undefined {
  const pair = pairIndex(ckb).get(a < b ? `${a}|${b}` : `${b}|${a}`);
  if (pair) return { drugs: [a, b], severity: pair.severity, mechanism: pair.mechanism, advice: pair.advice, detail: `${pair.mechanism} ${pair.advice}` };
  let best: Interaction | undefined;
  for (const r of ckb.kb.classRules) {
    const hit = (sideMatches(ckb, r.a, a) && sideMatches(ckb, r.b, b)) || (sideMatches(ckb, r.a, b) && sideMatches(ckb, r.b, a));
    if (hit && (!best || SEV_RANK[r.severity] > SEV_RANK[best.severity])) {
      best = { drugs: [a, b], severity: r.severity, mechanism: r.mechanism, advice: r.advice, detail: `${r.mechanism} ${r.advice}`, rule: r.id };
    }
  }
  return best;
}

export function interactionsAmong(ckb: CompiledKb, drugs: string[]): Interaction[] {
  const out: Interaction[] = [];
  const uniq = [...new Set(drugs)];
  for (let i = 0; i < uniq.length; i++) for (let j = i + 1; j < uniq.length; j++) {
    const x = interactionBetween(ckb, uniq[i], uniq[j]);
    if (x) out.push(x);
  }
  return out.sort((x, y) => SEV_RANK[y.severity] - SEV_RANK[x.severity]);
}

/** Allergy conflicts of a candidate drug with the patient's allergies as written. */
export function allergyConflicts(ckb: CompiledKb, drug: string, allergies: string[]): AllergyConflict[] {
  const d = ckb.drugById.get(drug);
  if (!d) return [];
  const out: AllergyConflict[] = [];
  const cls = classesOf(ckb, drug);
  for (const written of allergies) {
    const { groups, drug: allergyDrug } = resolveAllergy(ckb, written);
    if (allergyDrug === drug) { out.push({ drug, allergy: written, risk: 'high', detail: `Documented allergy to ${d.name}.` }); continue; }
    for (const gid of groups) {
      const g = ckb.allergyById.get(gid);
      if (!g) continue;
      const member = (d.allergy_groups ?? []).includes(gid) || (g.classes ?? []).some((c) => cls.has(c)) || (g.drugs ?? []).includes(drug);
      if (member) { out.push({ drug, allergy: written, risk: 'high', detail: `${d.name} belongs to the ${g.label.toLowerCase()} group.` }); continue; }
      for (const x of g.cross_reactivity ?? []) {
        if ((x.drugs ?? []).includes(drug) || (x.classes ?? []).some((c) => cls.has(c))) { out.push({ drug, allergy: written, risk: x.risk, detail: x.detail }); break; }
      }
    }
  }
  return out;
}

/**
 * Why a drug must not be given to this patient, if it must not. `pregnancyIsIndication` is set for conditions
 * that only occur in pregnancy (ectopic, miscarriage): their own drugs are chosen for pregnancy already.
 */
function contraindication(d: DrugT, p: PatientContext, pregnancyIsIndication: boolean): { exclude?: string; note?: string } {
  const pregnant = p.pregnant === true && !pregnancyIsIndication;
  if (pregnant && (d.pregnancy === 'contraindicated' || d.pregnancy === 'avoid')) return { exclude: `${d.name}: ${d.pregnancy} in pregnancy.` };
  if (p.breastfeeding && (d.lactation === 'contraindicated' || d.lactation === 'avoid')) return { exclude: `${d.name}: ${d.lactation} while breastfeeding.` };
  let note: string | undefined;
  for (const ci of d.contraindications ?? []) {
    if (ci.kind === 'pregnancy') { if (pregnant) return { exclude: ci.detail }; continue; }
    if (ci.kind === 'lactation') { if (p.breastfeeding) return { exclude: ci.detail }; continue; }
    const applies =
      (ci.finding !== undefined && p.conditionFindings.has(ci.finding)) ||
      (ci.kind === 'age' && ci.age_below_years !== undefined && p.age !== undefined && p.age < ci.age_below_years) ||
      // no eGFR in the request: known kidney disease makes an eGFR-bound rule a caution to check
      (ci.kind === 'renal' && ci.finding === undefined && p.conditionFindings.has(p.ckdFinding ?? ''));
    if (!applies) continue;
    if (ci.severity === 'absolute' && !(ci.kind === 'renal' && ci.finding === undefined)) return { exclude: ci.detail };
    note ??= `Caution: ${ci.detail}`;
  }
  return note ? { note } : {};
}

export function resolveMedications(ckb: CompiledKb, meds: string[]): { input: string; drug: string | null }[] {
  return meds.map((m) => ({ input: m, drug: resolveDrug(ckb, m) ?? null }));
}

export function retrieveTreatments(ckb: CompiledKb, conditionIds: string[], p: PatientContext): TreatmentResult {
  const current = resolveMedications(ckb, p.medications).flatMap((m) => (m.drug ? [m.drug] : []));
  const res: TreatmentResult = { primary: [], alternatives: [], excluded: [], interactions: interactionsAmong(ckb, current), self_care: [], seek_care: [] };
  const seenDrug = new Set<string>();
  for (const cid of conditionIds) {
    const c = ckb.conditionById.get(cid);
    if (!c) continue;
    const pregnancyIsIndication = p.pregnancyFinding !== undefined && c.findings.some((f) => f.id === p.pregnancyFinding && f.p >= 0.9);
    const consider = (t: { name: string; kind: string; drug?: string }, into: TreatmentOption[]) => {
      const opt: TreatmentOption = { condition_id: cid, name: t.name, kind: t.kind, ...(t.drug ? { drug: t.drug } : {}) };
      if (!t.drug) { into.push(opt); return; }
      const d = ckb.drugById.get(t.drug);
      if (!d) { into.push(opt); return; }
      const key = `${cid}:${t.drug}`;
      if (seenDrug.has(key)) return;
      seenDrug.add(key);
      const conflicts = allergyConflicts(ckb, t.drug, p.allergies);
      const allergy = conflicts.find((x) => x.risk !== 'low');
      if (allergy) { res.excluded.push({ condition_id: cid, name: t.name, drug: t.drug, reason: 'allergy', detail: allergy.detail }); return; }
      const ci = contraindication(d, p, pregnancyIsIndication);
      if (ci.exclude) { res.excluded.push({ condition_id: cid, name: t.name, drug: t.drug, reason: 'contraindication', detail: ci.exclude }); return; }
      if (ci.note) opt.note = ci.note;
      const worst = current.map((m) => interactionBetween(ckb, t.drug!, m)).filter((x): x is Interaction => !!x)
        .sort((x, y) => SEV_RANK[y.severity] - SEV_RANK[x.severity])[0];
      if (worst && SEV_RANK[worst.severity] >= SEV_RANK.major) {
        res.excluded.push({ condition_id: cid, name: t.name, drug: t.drug, reason: 'interaction', detail: `${worst.severity} interaction with ${ckb.drugById.get(worst.drugs[1])?.name ?? worst.drugs[1]}: ${worst.detail}` });
        return;
      }
      const lowAllergy = conflicts.find((x) => x.risk === 'low');
      if (worst) { opt.note = `${opt.note ? opt.note + ' ' : ''}${worst.severity} interaction with ${worst.drugs[1]}: ${worst.advice}`; res.interactions.push(worst); }
      if (lowAllergy) opt.note = `${opt.note ? opt.note + ' ' : ''}Low cross-reactivity risk with the reported allergy: ${lowAllergy.detail}`;
      into.push(opt);
    };
    for (const t of c.treatments.first_line) consider(t, res.primary);
    for (const t of c.treatments.alternatives ?? []) consider(t, res.alternatives);
    for (const s of c.treatments.self_care ?? []) { const txt = typeof s === 'string' ? s : (s as { name?: string }).name; if (txt && !res.self_care.includes(txt)) res.self_care.push(txt); }
    if (c.treatments.seek_care && !res.seek_care.includes(c.treatments.seek_care)) res.seek_care.push(c.treatments.seek_care);
  }
  // an excluded first-line option promotes nothing automatically: alternatives are already listed for the clinician
  return res;
}
