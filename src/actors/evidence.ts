/**
 * The evidence of one case: which findings are present or absent, the vitals, and the patient's context,
 * merged from structured symptoms, parsed free text, measured vitals and the patient block.
 * Implication runs here once: a present finding makes its ancestors present, an absent one makes its
 * descendants absent, and measured vitals switch vital-state findings on or off.
 */
import type { CompiledKb } from '../kb/compile.ts';
import { tokenize } from '../kb/compile.ts';
import type { VitalName, VitalComparisonT } from '../kb/schema.ts';
import type { ParsedFinding } from './classifier/parser.ts';

export type Sex = 'male' | 'female';
export type Vitals = Partial<Record<VitalName, number>>;

export interface Evidence {
  present: Set<string>;
  absent: Set<string>;
  /** findings as recognised, with their spans, for the response (implied ones are not listed) */
  recognised: ParsedFinding[];
  vitals: Vitals;
  age?: number;
  sex?: Sex;
  pregnant?: boolean;
  /** patient inputs that could not be resolved to a finding (never logged) */
  unresolved: number;
}

export function compareVital(v: number, c: Pick<VitalComparisonT, 'op' | 'value'>): boolean {
  switch (c.op) {
    case '<': return v < c.value;
    case '<=': return v <= c.value;
    case '>': return v > c.value;
    case '>=': return v >= c.value;
  }
}

/** Resolves a short phrase (a structured symptom's text, a history item) to a finding id through the phrase trie. */
export function resolveFindingPhrase(ckb: CompiledKb, phrase: string): string | undefined {
  if (ckb.findingById.has(phrase)) return phrase;
  const toks = tokenize(phrase);
  // the longest phrase starting anywhere in the text
  let best: { id: string; n: number } | undefined;
  for (let i = 0; i < toks.length; i++) {
    let node = ckb.trie.next.get(toks[i]);
    for (let k = i; node; ) {
      if (node.entry && (!best || node.entry.tokens > best.n)) best = { id: node.entry.findingIds[0], n: node.entry.tokens };
      k++;
      if (k >= toks.length) break;
      node = node.next.get(toks[k]);
    }
  }
  return best?.id;
}

export function finalizeEvidence(ckb: CompiledKb, ev: Evidence): Evidence {
  // vitals decide their vital-state findings both ways
  for (const f of ckb.findings) {
    if (!f.vital) continue;
    const v = ev.vitals[f.vital.name];
    if (v === undefined) continue;
    if (compareVital(v, f.vital)) { ev.present.add(f.id); ev.absent.delete(f.id); } else if (!ev.present.has(f.id)) ev.absent.add(f.id);
  }
  for (const id of [...ev.present]) for (const a of ckb.ancestors.get(id) ?? []) { ev.present.add(a); ev.absent.delete(a); }
  for (const id of [...ev.absent]) for (const d of ckb.descendants.get(id) ?? []) if (!ev.present.has(d)) ev.absent.add(d);
  for (const id of ev.present) ev.absent.delete(id);
  // pregnancy after the implications above, so that nothing implied there (a child's "born at 32 weeks") outlives the
  // patient block; the combinations below read the pregnancy as it stands
  const { pregnant_finding: preg, fertile_age_years: [minAge, maxAge] } = ckb.kb.qualifiers.patient_map;
  if (ev.pregnant === true) ev.present.add(preg);
  const cannotBe = ev.sex === 'male' || (ev.age !== undefined && (ev.age < minAge || ev.age > maxAge));
  if (ev.pregnant === false || (cannotBe && ev.pregnant !== true)) { for (const x of [preg, ...(ckb.descendants.get(preg) ?? [])]) { ev.present.delete(x); if (ckb.findingById.has(x)) ev.absent.add(x); } }
  // combinations: "a 6-week-old with a temperature of 38.5" has a fever in a young infant (not where the text said otherwise)
  const withAge = (r: { age_under?: number; age_from?: number }) => (r.age_under === undefined || (ev.age !== undefined && ev.age < r.age_under))
    && (r.age_from === undefined || (ev.age !== undefined && ev.age >= r.age_from));
  // (a pregnancy ruled out above is absent, so no combination implies it)
  for (const f of ckb.impliedFindings) {
    if (ev.present.has(f.id) || ev.absent.has(f.id)) continue;
    const partsOf = f.implied_by!.filter((r) => r.all.every((id) => ev.present.has(id)));
    if (!partsOf.some(withAge)) {
      // "a fever in a 9-month-old": the parts there at a known age outside the range rule the combination out
      if (partsOf.length && ev.age !== undefined) {
        ev.absent.add(f.id);
        for (const d of ckb.descendants.get(f.id) ?? []) if (!ev.present.has(d)) ev.absent.add(d);
      }
      continue;
    }
    ev.present.add(f.id);
    for (const a of ckb.ancestors.get(f.id) ?? []) { ev.present.add(a); ev.absent.delete(a); }
  }
  return ev;
}
