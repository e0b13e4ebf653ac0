/**
 * The diagnosis model, compiled from the knowledge base into dense tables:
 *
 *   logit(c) = bias(c) + age(c) + sex(c) + Σ_present x_f · log P(f|c) + Σ_absent x_f · log(1 − P(f|c))
 *   P(c | case) = softmax(logit / T)
 *
 * a naive-Bayes posterior over the conditions of the knowledge base (priors by age band and sex, finding
 * likelihoods, risk-factor likelihood ratios). The same tables are written into the ONNX graph by
 * models/scripts/build-models.ts; `scoreDense` here is the reference implementation the tests compare against.
 * Row-major layout: W[f * C + c].
 */
import type { CompiledKb } from '../../kb/compile.ts';
import type { ConditionT } from '../../kb/schema.ts';
import type { Evidence } from '../evidence.ts';

/** Age bands of the priors; `unknown` is the population average, used when the case gives no age. */
export const AGE_BANDS = ['lt1', '1-4', '5-14', '15-24', '25-44', '45-64', '65+', 'unknown'] as const;
const KNOWN_BANDS = AGE_BANDS.slice(0, -1) as Exclude<(typeof AGE_BANDS)[number], 'unknown'>[];
const UNKNOWN_AGE = AGE_BANDS.length - 1;
export const SEXES = ['male', 'female'] as const;

export interface ModelParams {
  /** P(f|c) for a symptom or sign the condition does not list */
  defaultSymptomP: number;
  /** P(f|c) for a history, risk-factor or exposure item the condition does not list */
  defaultHistoryP: number;
  /** softmax temperature, fitted for calibration */
  temperature: number;
  /** floor of an age or sex multiplier, so that "does not occur" stays finite */
  minMultiplier: number;
  /**
   * Weight of a finding nobody mentioned, counted as weak evidence of absence (0 = open world, 1 = closed
   * world). Characteristic findings tend to be reported when present, so a condition whose hallmark is missing
   * from the story should lose some ground. Applies to symptoms, signs, history and exposures, not to vitals.
   */
  unmentionedWeight: number;
  /** the same for signs (examination findings), which a patient's own story rarely mentions */
  unmentionedSignWeight: number;
  /** the same for history, risk-factor and exposure items */
  unmentionedHistoryWeight: number;
  /** exponent on the incidence prior (per_100k); age and sex multipliers always count fully */
  priorWeight: number;
  /** weight of a finding read through spelling repair or word-order-free matching (less certain than an exact phrase) */
  repairedWeight: number;
}

export const DEFAULT_MODEL_PARAMS: ModelParams = { defaultSymptomP: 0.02, defaultHistoryP: 0.1, temperature: 1, minMultiplier: 1e-4, unmentionedWeight: 0, unmentionedSignWeight: 0, unmentionedHistoryWeight: 0, priorWeight: 1, repairedWeight: 1 };

export interface ModelTables {
  F: number;
  C: number;
  findingIds: string[];
  conditionIds: string[];
  wPresent: Float32Array;
  wAbsent: Float32Array;
  wAge: Float32Array;
  wSex: Float32Array;
  bias: Float32Array;
  /** P(f|c) as used (defaults filled in), for explanations and question selection */
  p: Float32Array;
  params: ModelParams;
  /** weight of each finding's absence when nobody mentioned it (0 for vitals and demographics) */
  unmentioned: Float32Array;
}

const HISTORY_KINDS = new Set(['history', 'risk_factor', 'exposure', 'demographic']);

export function buildModelTables(ckb: CompiledKb, params: ModelParams = DEFAULT_MODEL_PARAMS): ModelTables {
  const F = ckb.findings.length, C = ckb.conditions.length;
  const wPresent = new Float32Array(F * C), wAbsent = new Float32Array(F * C), p = new Float32Array(F * C);
  const wAge = new Float32Array(AGE_BANDS.length * C), wSex = new Float32Array(SEXES.length * C), bias = new Float32Array(C);
  const defaults = ckb.findings.map((f) => f.default_p ?? (HISTORY_KINDS.has(f.kind) ? params.defaultHistoryP : params.defaultSymptomP));

  const shares = ckb.kb.qualifiers.population_age_shares;
  ckb.conditions.forEach((c: ConditionT, ci) => {
    const listed = new Map<number, number>();
    for (const x of c.findings) { const fi = ckb.findingIndex.get(x.id); if (fi !== undefined) listed.set(fi, x.p); }
    // a listed child implies its parent at least as often
    for (const x of c.findings) {
      for (const a of ckb.ancestors.get(x.id) ?? []) {
        const ai = ckb.findingIndex.get(a)!;
        if (!c.findings.some((y) => y.id === a)) listed.set(ai, Math.max(listed.get(ai) ?? 0, x.p));
      }
    }
    const lr = new Map<number, number>();
    for (const r of c.risk_factors ?? []) { const fi = ckb.findingIndex.get(r.id); if (fi !== undefined) lr.set(fi, r.lr); }
    for (let fi = 0; fi < F; fi++) {
      let pf = listed.get(fi) ?? defaults[fi];
      const l = lr.get(fi);
      if (l !== undefined && !listed.has(fi)) pf = Math.min(0.95, pf * l);
      pf = Math.min(0.995, Math.max(0.001, pf));
      p[fi * C + ci] = pf;
      wPresent[fi * C + ci] = Math.log(pf);
      wAbsent[fi * C + ci] = Math.log(1 - pf);
    }
    bias[ci] = params.priorWeight * Math.log(c.prior.per_100k);
    KNOWN_BANDS.forEach((b, bi) => { wAge[bi * C + ci] = Math.log(Math.max(params.minMultiplier, c.prior.age?.[b] ?? 1)); });
    // no age given: the age multiplier averaged over the population's age distribution (a condition of infants is
    // rare in a patient of unknown age)
    const avg = shares ? KNOWN_BANDS.reduce((sum, b) => sum + (shares[b] ?? 0) * (c.prior.age?.[b] ?? 1), 0) : 1;
    wAge[UNKNOWN_AGE * C + ci] = Math.log(Math.max(params.minMultiplier, avg));
    SEXES.forEach((s, si) => { wSex[si * C + ci] = Math.log(Math.max(params.minMultiplier, c.prior.sex?.[s] ?? 1)); });
  });
  const unmentioned = Float32Array.from(ckb.findings, (f) => (f.kind === 'symptom' ? params.unmentionedWeight : f.kind === 'sign' ? params.unmentionedSignWeight
    : f.kind === 'vital' || f.kind === 'demographic' ? 0 : params.unmentionedHistoryWeight));
  return {
    F, C, findingIds: ckb.findings.map((f) => f.id), conditionIds: ckb.conditions.map((c) => c.id),
    wPresent, wAbsent, wAge, wSex, bias, p, params, unmentioned,
  };
}

export function ageBand(age: number): number {
  if (age < 1) return 0;
  if (age < 5) return 1;
  if (age < 15) return 2;
  if (age < 25) return 3;
  if (age < 45) return 4;
  if (age < 65) return 5;
  return 6;
}

/** Per-finding weights of a case's evidence (1 where absent from the map). */
export function evidenceWeights(ev: Evidence, params: Pick<ModelParams, 'repairedWeight'>): Map<string, number> | undefined {
  if (params.repairedWeight === 1) return undefined;
  const w = new Map<string, number>();
  for (const r of ev.recognised) if (r.match === 'repaired') w.set(r.id, params.repairedWeight);
  return w;
}

/** One case as the model's dense input rows. Owned by the caller; the batcher copies them into its batch. */
export interface EncodedCase { present: Float32Array; absent: Float32Array; age: Float32Array; sex: Float32Array }

export function encodeCase(ckb: CompiledKb, t: Pick<ModelTables, 'F' | 'unmentioned'>, ev: Evidence, weights?: Map<string, number>): EncodedCase {
  const F = t.F;
  const present = new Float32Array(F), absent = Float32Array.from(t.unmentioned);
  for (const id of ev.present) { const i = ckb.findingIndex.get(id); if (i !== undefined) { present[i] = weights?.get(id) ?? 1; absent[i] = 0; } }
  for (const id of ev.absent) { const i = ckb.findingIndex.get(id); if (i !== undefined) absent[i] = weights?.get(id) ?? 1; }
  const age = new Float32Array(AGE_BANDS.length), sex = new Float32Array(SEXES.length);
  age[ev.age !== undefined ? ageBand(ev.age) : UNKNOWN_AGE] = 1;
  if (ev.sex) sex[SEXES.indexOf(ev.sex)] = 1;
  return { present, absent, age, sex };
}

/** Reference scorer over a batch of packed rows: returns probabilities [N × C]. */
export function scoreDense(t: ModelTables, n: number, present: Float32Array, absent: Float32Array, age: Float32Array, sex: Float32Array): Float32Array {
  const { F, C } = t;
  const out = new Float32Array(n * C);
  for (let r = 0; r < n; r++) {
    const logit = new Float64Array(C);
    for (let c = 0; c < C; c++) logit[c] = t.bias[c];
    for (let b = 0; b < AGE_BANDS.length; b++) { const x = age[r * AGE_BANDS.length + b]; if (x) for (let c = 0; c < C; c++) logit[c] += x * t.wAge[b * C + c]; }
    for (let s = 0; s < SEXES.length; s++) { const x = sex[r * SEXES.length + s]; if (x) for (let c = 0; c < C; c++) logit[c] += x * t.wSex[s * C + c]; }
    for (let f = 0; f < F; f++) {
      const xp = present[r * F + f], xa = absent[r * F + f];
      if (xp) for (let c = 0; c < C; c++) logit[c] += xp * t.wPresent[f * C + c];
      if (xa) for (let c = 0; c < C; c++) logit[c] += xa * t.wAbsent[f * C + c];
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) { logit[c] /= t.params.temperature; if (logit[c] > max) max = logit[c]; }
    let sum = 0;
    for (let c = 0; c < C; c++) { const e = Math.exp(logit[c] - max); out[r * C + c] = e; sum += e; }
    for (let c = 0; c < C; c++) out[r * C + c] /= sum;
  }
  return out;
}
