/**
 * npm run models:build — compiles models/kb/ into models/build/:
 *   diagnosis.onnx    the naive-Bayes diagnosis model (src/actors/matcher/model.ts) as an ONNX graph
 *   encoder.onnx      the text encoder: hashed character n-grams → unit vector
 *   phrases.usearch   HNSW index of every vocabulary phrase's embedding (fuzzy finding lookup)
 *   conditions.usearch HNSW index of condition profiles (the semantic signal of the matcher)
 *   manifest.json     hashes tying the artifacts to the knowledge base
 * Deterministic: the same knowledge base gives the same bytes. `--if-stale` skips the build when the
 * manifest already matches (used by prestart/pretest).
 */
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeBase, DEFAULT_KB_DIR } from '../../src/kb/load.ts';
import { compileKb } from '../../src/kb/compile.ts';
import { checkKb, loadIcd10Codes } from '../../src/kb/check.ts';
import { buildModelTables, DEFAULT_MODEL_PARAMS, AGE_BANDS, SEXES } from '../../src/actors/matcher/model.ts';
import { conditionProfiles } from '../../src/actors/matcher/profiles.ts';
import { newCosineIndex } from '../../src/actors/matcher/vector-index.ts';
import { ENCODER_SPEC, featurize, projectionMatrix } from '../../src/actors/classifier/encoder.ts';
import { BUILD_DIR, BUILD_FORMAT, MANIFEST_FILE, kbHash, sha256File, assertFreshArtifacts, type Manifest } from '../../src/kb/artifacts.ts';
import { encodeModel, type OnnxGraph } from './lib/onnx-writer.ts';
import { CALIBRATION } from '../calibration.ts';

const ifStale = process.argv.includes('--if-stale');
if (ifStale) {
  try { assertFreshArtifacts(DEFAULT_KB_DIR); console.log('models:build: artifacts are up to date'); process.exit(0); } catch { /* build */ }
}

const t0 = performance.now();
const kb = loadKnowledgeBase();
const problems = checkKb(kb, loadIcd10Codes());
if (problems.length) {
  console.error(`models:build: the knowledge base has ${problems.length} problem(s); run npm run kb:check`);
  for (const p of problems.slice(0, 20)) console.error(`  ${p}`);
  process.exit(1);
}
const ckb = compileKb(kb);
const params = { ...DEFAULT_MODEL_PARAMS, ...CALIBRATION.model };
const t = buildModelTables(ckb, params);
const { F, C } = t;

// ---- diagnosis model ----
const diagnosis: OnnxGraph = {
  name: 'edge_ddx_diagnosis',
  docString: 'Naive-Bayes differential diagnosis compiled from the Edge DDx knowledge base (models/kb).',
  inputs: [
    { name: 'present', dims: ['N', F] }, { name: 'absent', dims: ['N', F] },
    { name: 'age', dims: ['N', AGE_BANDS.length] }, { name: 'sex', dims: ['N', SEXES.length] },
  ],
  outputs: [{ name: 'logits', dims: ['N', C] }, { name: 'probs', dims: ['N', C] }],
  initializers: [
    { name: 'w_present', dims: [F, C], data: t.wPresent }, { name: 'w_absent', dims: [F, C], data: t.wAbsent },
    { name: 'w_age', dims: [AGE_BANDS.length, C], data: t.wAge }, { name: 'w_sex', dims: [SEXES.length, C], data: t.wSex },
    { name: 'bias', dims: [C], data: t.bias }, { name: 'inv_temperature', dims: [], data: Float32Array.of(1 / params.temperature) },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['present', 'w_present'], outputs: ['lp'] },
    { op: 'MatMul', inputs: ['absent', 'w_absent'], outputs: ['la'] },
    { op: 'MatMul', inputs: ['age', 'w_age'], outputs: ['lage'] },
    { op: 'MatMul', inputs: ['sex', 'w_sex'], outputs: ['lsex'] },
    { op: 'Add', inputs: ['lp', 'la'], outputs: ['s1'] },
    { op: 'Add', inputs: ['lage', 'lsex'], outputs: ['s2'] },
    { op: 'Add', inputs: ['s1', 's2'], outputs: ['s3'] },
    { op: 'Add', inputs: ['s3', 'bias'], outputs: ['logits'] },
    { op: 'Mul', inputs: ['logits', 'inv_temperature'], outputs: ['scaled'] },
    { op: 'Softmax', inputs: ['scaled'], outputs: ['probs'], attrs: { axis: 1 } },
  ],
};

// ---- text encoder ----
const spec = ENCODER_SPEC;
const encoder: OnnxGraph = {
  name: 'edge_ddx_text_encoder',
  docString: 'Hashed character n-gram counts projected to a unit vector (fuzzy vocabulary lookup).',
  inputs: [{ name: 'ngrams', dims: ['N', spec.buckets] }],
  outputs: [{ name: 'embedding', dims: ['N', spec.dims] }],
  initializers: [{ name: 'projection', dims: [spec.buckets, spec.dims], data: projectionMatrix(spec) }, { name: 'eps', dims: [], data: Float32Array.of(1e-6) }],
  nodes: [
    { op: 'MatMul', inputs: ['ngrams', 'projection'], outputs: ['raw'] },
    { op: 'ReduceL2', inputs: ['raw'], outputs: ['norm'], attrs: { axes: [1], keepdims: 1 } },
    { op: 'Add', inputs: ['norm', 'eps'], outputs: ['norm_eps'] },
    { op: 'Div', inputs: ['raw', 'norm_eps'], outputs: ['embedding'] },
  ],
};

rmSync(BUILD_DIR, { recursive: true, force: true });
mkdirSync(BUILD_DIR, { recursive: true });
writeFileSync(join(BUILD_DIR, 'diagnosis.onnx'), encodeModel(diagnosis));
writeFileSync(join(BUILD_DIR, 'encoder.onnx'), encodeModel(encoder));

// phrase embeddings, computed with the same math as the ONNX encoder (projection of n-gram counts, normalised)
const phrases: { finding: string; phrase: string }[] = [];
const seen = new Set<string>();
for (const f of kb.findings) {
  for (const s of [f.label, ...f.synonyms]) {
    const key = s.toLowerCase().trim();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    phrases.push({ finding: f.id, phrase: key });
  }
}
const proj = projectionMatrix(spec);
function embed(text: string): Float32Array {
  const x = new Float32Array(spec.buckets);
  featurize(text, spec, x);
  const e = new Float32Array(spec.dims);
  for (let b = 0; b < spec.buckets; b++) { const v = x[b]; if (v) for (let d = 0; d < spec.dims; d++) e[d] += v * proj[b * spec.dims + d]; }
  let n = 0;
  for (let d = 0; d < spec.dims; d++) n += e[d] * e[d];
  n = Math.sqrt(n) + 1e-6;
  for (let d = 0; d < spec.dims; d++) e[d] /= n;
  return e;
}
const phraseVecs = new Float32Array(phrases.length * spec.dims);
phrases.forEach((p, i) => phraseVecs.set(embed(p.phrase), i * spec.dims));
const phraseIndex = newCosineIndex(spec.dims);
phraseIndex.add(BigUint64Array.from(phrases.map((_, i) => BigInt(i))), phraseVecs, 1);
phraseIndex.save(join(BUILD_DIR, 'phrases.usearch'));

const profiles = conditionProfiles(t);
const condIndex = newCosineIndex(F);
condIndex.add(BigUint64Array.from(t.conditionIds.map((_, i) => BigInt(i))), profiles, 1);
condIndex.save(join(BUILD_DIR, 'conditions.usearch'));

const files: Record<string, string> = {};
for (const f of ['diagnosis.onnx', 'encoder.onnx', 'phrases.usearch', 'conditions.usearch']) files[f] = sha256File(join(BUILD_DIR, f));
const manifest: Manifest = {
  format: BUILD_FORMAT, kbHash: kbHash(DEFAULT_KB_DIR), findingIds: t.findingIds, conditionIds: t.conditionIds,
  params: { ...params, semanticWeight: CALIBRATION.semanticWeight }, encoder: spec, phrases, files,
};
writeFileSync(MANIFEST_FILE, JSON.stringify(manifest));
if (!existsSync(MANIFEST_FILE)) throw new Error('manifest not written');
console.log(JSON.stringify({ findings: F, conditions: C, phrases: phrases.length, ms: Math.round(performance.now() - t0), files }));
