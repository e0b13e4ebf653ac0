/**
 * Inference worker (piscina). Opens the ONNX sessions and usearch views once at start-up and keeps them for
 * the life of the thread. Ops:
 *   diagnose: a packed batch → one Float32Array [probs | logits | semantic] (each n × C), moved to the caller;
 *   phrases:  texts → nearest vocabulary phrases (encoder + HNSW);
 *   ping:     liveness, with the thread id.
 * This file imports nothing from the HTTP layer or the main-thread runtime.
 */
import { threadId } from 'node:worker_threads';
import { move } from 'piscina';
import { defineWorker } from '../../runtime/pool/worker-entry.ts';
import { readManifest } from '../../kb/artifacts.ts';
import { InferenceEngine } from './inference.ts';

const manifest = readManifest();
if (!manifest) throw new Error('Model artifacts are missing: run `npm run models:build`.');
const engine = await InferenceEngine.open(manifest);

export default defineWorker({
  diagnose: async (p: { n: number; present: Float32Array; absent: Float32Array; age: Float32Array; sex: Float32Array }) => {
    const out = await engine.diagnose(p);
    const packed = new Float32Array(out.probs.length * 3);
    packed.set(out.probs, 0);
    packed.set(out.logits, out.probs.length);
    packed.set(out.semantic, out.probs.length * 2);
    return move(packed);
  },
  phrases: async (p: { texts: string[]; k: number }) => engine.lookupPhrases(p.texts, p.k),
  ping: () => ({ threadId }),
});
