/**
 * Condition profiles for the semantic signal: each condition as a vector over findings whose components say
 * how strongly each finding argues for it (positive log-likelihood ratio against the unlisted default).
 * A case's query vector is its present findings. Cosine similarity between the two is what the usearch index
 * of condition profiles returns; it rewards conditions whose characteristic picture the case covers.
 */
import type { ModelTables } from './model.ts';

export function conditionProfiles(t: ModelTables): Float32Array {
  const { F, C } = t;
  const out = new Float32Array(C * F);
  const defaults = new Float32Array(F);
  for (let f = 0; f < F; f++) {
    // the default is the smallest P(f|c) over conditions (what an unlisted condition gets)
    let min = 1;
    for (let c = 0; c < C; c++) min = Math.min(min, t.p[f * C + c]);
    defaults[f] = min;
  }
  for (let c = 0; c < C; c++) {
    for (let f = 0; f < F; f++) {
      const lr = Math.log(t.p[f * C + c] / defaults[f]);
      out[c * F + f] = lr > 0 ? lr : 0;
    }
  }
  return out;
}

/** Query vector of one case: its present findings (weights as given). */
export function profileQuery(F: number, present: Float32Array): Float32Array {
  const q = new Float32Array(F);
  let any = false;
  for (let f = 0; f < F; f++) if (present[f] > 0) { q[f] = present[f]; any = true; }
  if (!any) q[0] = 1e-6;
  return q;
}
