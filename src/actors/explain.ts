/**
 * Explanations and next questions, computed from the same tables as the diagnosis model:
 *  - evidence for/against: each finding's log-likelihood ratio for the condition against the default;
 *  - questions: the unasked findings with the largest expected information gain over the current posterior
 *    (restricted to the leading conditions, which hold nearly all the mass).
 */
import type { CompiledKb } from '../kb/compile.ts';
import type { ModelTables } from './matcher/model.ts';
import type { Evidence } from './evidence.ts';

export interface Weighted { id: string; label: string; weight: number }

export function evidenceFor(ckb: CompiledKb, t: ModelTables, ci: number, ev: Evidence): { for: Weighted[]; against: Weighted[] } {
  const C = t.C;
  const pros: Weighted[] = [], cons: Weighted[] = [];
  const mins = minPerFinding(t);
  // the default (smallest P over conditions) is what "not characteristic" means for this finding
  const base = (f: number) => mins[f];
  for (const id of ev.present) {
    const f = ckb.findingIndex.get(id);
    if (f === undefined) continue;
    const w = Math.log(t.p[f * C + ci] / Math.max(base(f), 1e-4));
    const avg = meanLog(t, f);
    const rel = Math.log(t.p[f * C + ci]) - avg;
    if (w > 0.5 && rel > 0) pros.push({ id, label: ckb.findings[f].label, weight: round(rel) });
    else if (rel < -0.7) cons.push({ id, label: ckb.findings[f].label, weight: round(rel) });
  }
  for (const id of ev.absent) {
    const f = ckb.findingIndex.get(id);
    if (f === undefined) continue;
    const p = t.p[f * C + ci];
    if (p >= 0.5) cons.push({ id, label: `no ${ckb.findings[f].label.toLowerCase()}`, weight: round(Math.log(1 - p)) });
  }
  pros.sort((a, b) => b.weight - a.weight);
  cons.sort((a, b) => a.weight - b.weight);
  return { for: pros.slice(0, 8), against: cons.slice(0, 6) };
}

const minCache = new WeakMap<ModelTables, Float32Array>();
function minPerFinding(t: ModelTables): Float32Array {
  let m = minCache.get(t);
  if (!m) {
    m = new Float32Array(t.F).fill(1);
    for (let f = 0; f < t.F; f++) for (let c = 0; c < t.C; c++) m[f] = Math.min(m[f], t.p[f * t.C + c]);
    minCache.set(t, m);
  }
  return m;
}

const meanCache = new WeakMap<ModelTables, Float32Array>();
function meanLog(t: ModelTables, f: number): number {
  let m = meanCache.get(t);
  if (!m) {
    m = new Float32Array(t.F);
    for (let i = 0; i < t.F; i++) { let s = 0; for (let c = 0; c < t.C; c++) s += Math.log(t.p[i * t.C + c]); m[i] = s / t.C; }
    meanCache.set(t, m);
  }
  return m[f];
}

function round(x: number): number { return Math.round(x * 100) / 100; }

function entropy(p: number[]): number { let h = 0; for (const x of p) if (x > 0) h -= x * Math.log2(x); return h; }

/** Next questions by expected information gain over the top conditions' posterior. */
export function nextQuestions(ckb: CompiledKb, t: ModelTables, top: { index: number; probability: number }[], ev: Evidence, limit = 5): { symptom_id: string; text: string; information_gain: number }[] {
  if (top.length < 2) return [];
  const C = t.C;
  const mass = top.reduce((s, x) => s + x.probability, 0);
  const post = top.map((x) => x.probability / mass);
  const h0 = entropy(post);
  const candidates = new Set<number>();
  for (const x of top.slice(0, 5)) {
    const c = ckb.conditions[x.index];
    for (const f of c.findings) { const fi = ckb.findingIndex.get(f.id); if (fi !== undefined) candidates.add(fi); }
  }
  const scored: { f: number; gain: number }[] = [];
  for (const f of candidates) {
    const id = t.findingIds[f];
    const finding = ckb.findings[f];
    if (ev.present.has(id) || ev.absent.has(id) || finding.kind === 'vital' || finding.kind === 'demographic') continue;
    let pYes = 0;
    const yes: number[] = [], no: number[] = [];
    for (let k = 0; k < top.length; k++) {
      const p = t.p[f * C + top[k].index];
      yes.push(post[k] * p); no.push(post[k] * (1 - p));
      pYes += post[k] * p;
    }
    if (pYes <= 0 || pYes >= 1) continue;
    const norm = (a: number[], s: number) => a.map((x) => x / s);
    const gain = h0 - (pYes * entropy(norm(yes, pYes)) + (1 - pYes) * entropy(norm(no, 1 - pYes)));
    scored.push({ f, gain });
  }
  scored.sort((a, b) => b.gain - a.gain);
  return scored.slice(0, limit).map(({ f, gain }) => ({
    symptom_id: t.findingIds[f],
    text: ckb.findings[f].question ?? `Do you have ${ckb.findings[f].label.toLowerCase()}?`,
    information_gain: round(gain),
  }));
}

export function plainSummary(args: {
  urgency: { level: string; red_flags: { label: string }[]; recommended_action: string };
  conditions: { name: string; probability: number; evidence_for: string[] }[];
  findingLabels: Map<string, string>;
  degraded: string[];
}): string {
  const parts: string[] = [];
  const { urgency, conditions } = args;
  if (urgency.red_flags.length) parts.push(`Red flags: ${urgency.red_flags.map((r) => r.label).join('; ')}.`);
  parts.push(`Urgency: ${urgency.level.replace('_', ' ')}. ${urgency.recommended_action}`);
  if (conditions.length) {
    const lead = conditions[0];
    const why = lead.evidence_for.slice(0, 4).map((id) => args.findingLabels.get(id)?.toLowerCase() ?? id);
    parts.push(`Most likely: ${lead.name} (${Math.round(lead.probability * 100)}%)${why.length ? `, supported by ${why.join(', ')}` : ''}.`);
    const others = conditions.slice(1, 4).map((c) => `${c.name} (${Math.round(c.probability * 100)}%)`);
    if (others.length) parts.push(`Also consider: ${others.join(', ')}.`);
  }
  if (args.degraded.length) parts.push(`Partial answer: ${args.degraded.join(', ')} unavailable.`);
  parts.push('Decision support for a clinician, not a diagnosis.');
  return parts.join(' ');
}
