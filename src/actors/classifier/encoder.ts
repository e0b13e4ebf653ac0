/**
 * Input side of the text encoder: a phrase becomes hashed character n-gram counts (FNV-1a into `buckets`),
 * which the ONNX encoder (models/build/encoder.onnx) projects to a unit vector. Character n-grams make the
 * embedding robust to misspellings and word-form changes, which is what the fuzzy vocabulary lookup needs.
 * The same function feeds the model at build time and at run time.
 */
import { normalizeText } from '../../kb/compile.ts';

export interface EncoderSpec { buckets: number; dims: number; ngram: number; seed: number }
export const ENCODER_SPEC: EncoderSpec = { buckets: 4096, dims: 128, ngram: 3, seed: 0x5eed };

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

/** Writes the n-gram counts of `phrase` into `out` at row `row` (out has rows × buckets floats). */
export function featurize(phrase: string, spec: EncoderSpec, out: Float32Array, row = 0): void {
  const s = ` ${normalizeText(phrase).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
  const base = row * spec.buckets;
  for (let n = spec.ngram - 1; n <= spec.ngram; n++) {
    for (let i = 0; i + n <= s.length; i++) out[base + (fnv1a(s, i, i + n) % spec.buckets)] += n === spec.ngram ? 1 : 0.5;
  }
}

/** Deterministic projection matrix [buckets × dims] with entries ±1/√dims (xorshift32 from the seed). */
export function projectionMatrix(spec: EncoderSpec): Float32Array {
  const m = new Float32Array(spec.buckets * spec.dims);
  let x = spec.seed >>> 0 || 1;
  const v = 1 / Math.sqrt(spec.dims);
  for (let i = 0; i < m.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    m[i] = x & 1 ? v : -v;
  }
  return m;
}
