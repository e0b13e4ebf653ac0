/**
 * Worker-side inference over the built artifacts: the ONNX diagnosis model, the ONNX text encoder and the two
 * usearch indexes. Runs only inside a piscina worker thread: onnxruntime's `run` and every usearch call block
 * their thread. One InferenceSession per model for the life of the worker (re-creating sessions leaks), one
 * intra-op thread each so that several workers share the cores without oversubscription.
 * Buffers: inputs are owned by the caller for the duration of the call; outputs are fresh arrays that the
 * worker hands back with Piscina.move().
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BUILD_DIR, type Manifest } from '../../kb/artifacts.ts';
import { featurize } from '../classifier/encoder.ts';
import { AGE_BANDS, SEXES } from './model.ts';
import { profileQuery } from './profiles.ts';
import { newCosineIndex, type VectorIndex } from './vector-index.ts';

export interface DiagnoseBatch { n: number; present: Float32Array; absent: Float32Array; age: Float32Array; sex: Float32Array }
export interface DiagnoseOutput { probs: Float32Array; logits: Float32Array; semantic: Float32Array }
export interface PhraseHit { finding: string; phrase: string; similarity: number }

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

export class InferenceEngine {
  private constructor(
    private readonly manifest: Manifest,
    private readonly diagnosis: ort.InferenceSession,
    private readonly encoder: ort.InferenceSession,
    private readonly phrases: VectorIndex,
    private readonly conditions: VectorIndex,
  ) {}

  static async open(manifest: Manifest, dir: string = BUILD_DIR): Promise<InferenceEngine> {
    const diagnosis = await ort.InferenceSession.create(join(dir, 'diagnosis.onnx'), SESSION_OPTIONS);
    const encoder = await ort.InferenceSession.create(join(dir, 'encoder.onnx'), SESSION_OPTIONS);
    const phrases = newCosineIndex(manifest.encoder.dims);
    phrases.view(join(dir, 'phrases.usearch'));
    const conditions = newCosineIndex(manifest.findingIds.length);
    conditions.view(join(dir, 'conditions.usearch'));
    return new InferenceEngine(manifest, diagnosis, encoder, phrases, conditions);
  }

  get F(): number { return this.manifest.findingIds.length; }
  get C(): number { return this.manifest.conditionIds.length; }

  async diagnose(b: DiagnoseBatch): Promise<DiagnoseOutput> {
    const { F, C } = this;
    const feeds = {
      present: new ort.Tensor('float32', b.present, [b.n, F]),
      absent: new ort.Tensor('float32', b.absent, [b.n, F]),
      age: new ort.Tensor('float32', b.age, [b.n, AGE_BANDS.length]),
      sex: new ort.Tensor('float32', b.sex, [b.n, SEXES.length]),
    };
    const out = await this.diagnosis.run(feeds);
    const probs = new Float32Array(out.probs.data as Float32Array);
    const logits = new Float32Array(out.logits.data as Float32Array);
    const semantic = new Float32Array(b.n * C);
    const k = Math.min(C, 25);
    for (let r = 0; r < b.n; r++) {
      const q = profileQuery(F, b.present.subarray(r * F, (r + 1) * F));
      const m = this.conditions.search(q, k, 1);
      for (let i = 0; i < m.keys.length; i++) semantic[r * C + Number(m.keys[i])] = 1 - m.distances[i];
    }
    return { probs, logits, semantic };
  }

  /** Nearest vocabulary phrases of each text by the encoder's embedding. */
  async lookupPhrases(texts: string[], k = 3): Promise<PhraseHit[][]> {
    if (texts.length === 0) return [];
    const { buckets, dims } = this.manifest.encoder;
    const x = new Float32Array(texts.length * buckets);
    texts.forEach((t, i) => featurize(t, this.manifest.encoder, x, i));
    const out = await this.encoder.run({ ngrams: new ort.Tensor('float32', x, [texts.length, buckets]) });
    const emb = out.embedding.data as Float32Array;
    return texts.map((_, i) => {
      const m = this.phrases.search(emb.subarray(i * dims, (i + 1) * dims), k, 1);
      return [...m.keys].map((key, j) => {
        const p = this.manifest.phrases[Number(key)];
        return { finding: p.finding, phrase: p.phrase, similarity: Math.round((1 - m.distances[j]) * 1000) / 1000 };
      });
    });
  }
}
