// The ONNX diagnosis model (models/build/diagnosis.onnx, run by InferenceEngine) computes the same posterior as
// the reference scorer `scoreDense` over the same tables compiled from the knowledge base, for single rows and
// for packed batches of 32. The session runs on the test's main thread here: this file tests numbers, not threads.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertFreshArtifacts, type Manifest } from '../src/kb/artifacts.ts';
import { DEFAULT_KB_DIR } from '../src/kb/load.ts';
import { InferenceEngine } from '../src/actors/matcher/inference.ts';
import { AGE_BANDS, SEXES, buildModelTables, encodeCase, scoreDense, type ModelTables } from '../src/actors/matcher/model.ts';
import type { Evidence } from '../src/actors/evidence.ts';
import { realKb } from './helpers/kb.ts';

const CASES = 50;
const TOLERANCE = 1e-4;
const A = AGE_BANDS.length, S = SEXES.length;

interface Rows { n: number; present: Float32Array; absent: Float32Array; age: Float32Array; sex: Float32Array }

/** mulberry32: a seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random cases encoded as the server encodes them (encodeCase): a few present findings (weight 1, or 0.8 as for
 * repaired mentions), a few explicitly absent ones, unmentioned findings as weak absence when the calibration
 * says so, age band and sex usually set.
 */
function randomRows(t: ModelTables, n: number, rand: () => number): Rows {
  const ckb = realKb();
  const { F } = t;
  const r: Rows = { n, present: new Float32Array(n * F), absent: new Float32Array(n * F), age: new Float32Array(n * A), sex: new Float32Array(n * S) };
  const pick = () => t.findingIds[Math.floor(rand() * F)];
  for (let i = 0; i < n; i++) {
    const ev: Evidence = { present: new Set(), absent: new Set(), recognised: [], vitals: {}, unresolved: 0 };
    const weights = new Map<string, number>();
    for (let k = 1 + Math.floor(rand() * 10); k > 0; k--) { const id = pick(); ev.present.add(id); if (rand() < 0.2) weights.set(id, 0.8); }
    for (let k = Math.floor(rand() * 6); k > 0; k--) { const id = pick(); if (!ev.present.has(id)) ev.absent.add(id); }
    if (rand() < 0.9) ev.age = Math.floor(rand() * 95);
    if (rand() < 0.9) ev.sex = rand() < 0.5 ? 'male' : 'female';
    const row = encodeCase(ckb, t, ev, weights);
    r.present.set(row.present, i * F); r.absent.set(row.absent, i * F); r.age.set(row.age, i * A); r.sex.set(row.sex, i * S);
  }
  return r;
}

function slice(r: Rows, F: number, from: number, to: number): Rows {
  return {
    n: to - from,
    present: r.present.slice(from * F, to * F), absent: r.absent.slice(from * F, to * F),
    age: r.age.slice(from * A, to * A), sex: r.sex.slice(from * S, to * S),
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): { diff: number; at: number } {
  assert.equal(a.length, b.length, 'same number of outputs');
  let diff = 0, at = -1;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i] - b[i]); if (d > diff || Number.isNaN(d)) { diff = d; at = i; } }
  return { diff, at };
}

let manifest: Manifest;
let tables: ModelTables;
let engine: InferenceEngine;
let rows: Rows;
let reference: Float32Array;

before(async () => {
  manifest = assertFreshArtifacts(DEFAULT_KB_DIR);
  tables = buildModelTables(realKb(), manifest.params);
  assert.deepEqual(tables.conditionIds, manifest.conditionIds, 'artifacts were built from this knowledge base');
  engine = await InferenceEngine.open(manifest);
  rows = randomRows(tables, CASES, prng(0xedd5));
  reference = scoreDense(tables, rows.n, rows.present, rows.absent, rows.age, rows.sex);
});

test('ONNX probabilities equal the reference scorer row by row (batch of 1)', async () => {
  const { F, C } = tables;
  for (let i = 0; i < CASES; i++) {
    const out = await engine.diagnose(slice(rows, F, i, i + 1));
    const { diff, at } = maxAbsDiff(out.probs, reference.subarray(i * C, (i + 1) * C));
    assert.ok(diff <= TOLERANCE, `case ${i}: |onnx - reference| = ${diff} at condition ${manifest.conditionIds[at]}`);
    let sum = 0;
    for (const p of out.probs) sum += p;
    assert.ok(Math.abs(sum - 1) < 1e-4, `case ${i}: probabilities sum to ${sum}`);
  }
});

test('ONNX probabilities equal the reference scorer in packed batches of 32', async () => {
  const { F, C } = tables;
  for (let from = 0; from < CASES; from += 32) {
    const to = Math.min(CASES, from + 32);
    const out = await engine.diagnose(slice(rows, F, from, to));
    assert.equal(out.probs.length, (to - from) * C);
    const { diff, at } = maxAbsDiff(out.probs, reference.subarray(from * C, to * C));
    assert.ok(diff <= TOLERANCE, `rows ${from}-${to - 1}: |onnx - reference| = ${diff} at row ${from + Math.floor(at / C)}, condition ${manifest.conditionIds[at % C]}`);
  }
});

test('a row scores the same alone and inside a batch (no leakage between rows)', async () => {
  const { F } = tables;
  const batch = await engine.diagnose(slice(rows, F, 0, 32));
  const C = tables.C;
  for (const i of [0, 7, 31]) {
    const alone = await engine.diagnose(slice(rows, F, i, i + 1));
    const { diff } = maxAbsDiff(alone.probs, batch.probs.subarray(i * C, (i + 1) * C));
    assert.ok(diff <= 1e-6, `row ${i}: alone vs batched differ by ${diff}`);
  }
});
