// Two piscina workers load the ONNX sessions and memory-map the usearch indexes at the same time, then serve
// `diagnose` and `phrases` concurrently; every thread answers the same input with the same bytes.
// With one task per thread, tasks submitted together to an idle pool of 2 run on both threads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertFreshArtifacts, type Manifest } from '../src/kb/artifacts.ts';
import { DEFAULT_KB_DIR } from '../src/kb/load.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import { AGE_BANDS, SEXES, buildModelTables, encodeCase } from '../src/actors/matcher/model.ts';
import { classify } from '../src/actors/classifier/classify.ts';
import { realKb } from './helpers/kb.ts';

type PhraseHits = { finding: string; phrase: string; similarity: number }[][];

const THREADS = 2;
const ROUNDS = 8; // tasks of each kind submitted at once, ROUNDS / THREADS per thread

let manifest: Manifest;
let pool: WorkerPool;

before(async () => {
  manifest = assertFreshArtifacts(DEFAULT_KB_DIR);
  pool = new WorkerPool({ name: 'inference-test', filename: new URL('../src/actors/matcher/worker-loader.mjs', import.meta.url), threads: THREADS, maxQueue: 64 });
  await pool.ready(); // both threads have opened their sessions and views, concurrently
});
after(async () => { await pool?.close(10_000); });

/** A small packed batch built from real notes through the real classifier. */
function batch() {
  const ckb = realKb();
  const tables = buildModelTables(ckb, manifest.params);
  const F = tables.F;
  const notes = [
    { text: 'fever, cough and shortness of breath for 3 days', patient: { age: 67, sex: 'male' as const } },
    { text: 'sudden severe headache and neck stiffness, vomiting', patient: { age: 34, sex: 'female' as const } },
    { text: 'burning when passing urine, going often', patient: { age: 25, sex: 'female' as const } },
  ];
  const rows = notes.map((n) => encodeCase(ckb, tables, classify(ckb, n).evidence));
  const n = rows.length;
  const present = new Float32Array(n * F), absent = new Float32Array(n * F);
  const age = new Float32Array(n * AGE_BANDS.length), sex = new Float32Array(n * SEXES.length);
  rows.forEach((r, i) => { present.set(r.present, i * F); absent.set(r.absent, i * F); age.set(r.age, i * AGE_BANDS.length); sex.set(r.sex, i * SEXES.length); });
  assert.ok(present.some((x) => x > 0), 'the notes are recognised by the vocabulary');
  return { n, present, absent, age, sex };
}

test('both threads are up: concurrent pings answer from two distinct threads', async () => {
  const ids = await Promise.all(Array.from({ length: THREADS }, () => pool.run('ping', null) as Promise<{ threadId: number }>));
  assert.equal(new Set(ids.map((x) => x.threadId)).size, THREADS, JSON.stringify(ids));
  assert.equal(pool.stats().threads, THREADS);
});

test('diagnose and phrases run concurrently on both threads and give identical results', async () => {
  const b = batch();
  const C = manifest.conditionIds.length;
  const texts = ['chest pian', 'shortnes of breath', 'head ache', 'throwing up'];
  const diagnoses: Promise<Float32Array>[] = [];
  const phrases: Promise<PhraseHits>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // fresh copies per task: the pool structured-clones payloads, nothing is shared between tasks
    diagnoses.push(pool.run('diagnose', { n: b.n, present: b.present.slice(), absent: b.absent.slice(), age: b.age.slice(), sex: b.sex.slice() }) as Promise<Float32Array>);
    phrases.push(pool.run('phrases', { texts, k: 3 }) as Promise<PhraseHits>);
  }
  assert.ok(pool.stats().running === THREADS, `both threads busy at once (running ${pool.stats().running})`);
  const [d, p] = await Promise.all([Promise.all(diagnoses), Promise.all(phrases)]);

  for (const out of d) {
    assert.ok(out instanceof Float32Array);
    assert.equal(out.length, 3 * b.n * C, 'probs | logits | semantic, each n × C');
    assert.deepEqual(out, d[0]);
  }
  for (let r = 0; r < b.n; r++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += d[0][r * C + c];
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${r} probabilities sum to ${sum}`);
  }
  for (const hits of p) assert.deepEqual(hits, p[0]);
  assert.equal(p[0].length, texts.length);
  for (const h of p[0]) {
    assert.ok(h.length > 0, 'every text has a nearest phrase');
    assert.ok(manifest.findingIds.includes(h[0].finding));
    assert.ok(h[0].similarity > 0 && h[0].similarity <= 1.001);
  }
  const s = pool.stats();
  assert.equal(s.crashed, 0);
  assert.equal(s.failed, 0);
});
