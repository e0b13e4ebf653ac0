/**
 * The coordinator: runs one diagnosis through the agents within the request deadline and commits it.
 *
 *   classifier ──▶ emergency detector ┐   (in parallel; urgency is streamed first)
 *              └─▶ condition matcher ─┴─▶ treatment retriever ─▶ explanation + questions ─▶ store commit
 *
 * Every agent call goes through the supervisor (bounded mailbox, deadline, circuit breaker). A failed or late
 * agent yields a degraded answer that names the missing part; the emergency detector is pure rules on the main
 * thread, so urgency is answered even with every worker pool down. A response is returned only after the
 * session is durably committed (group commit), which is what a 200 means.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { loadKnowledgeBase } from '../kb/load.ts';
import { compileKb, normalizeText, type CompiledKb } from '../kb/compile.ts';
import { assertFreshArtifacts, type Manifest } from '../kb/artifacts.ts';
import { DEFAULT_KB_DIR } from '../kb/load.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability.ts';
import type { Store } from '../store/types.ts';
import { NotFoundError, NoFindingsError, StoreError, asEdgeDdxError, EdgeDdxError } from '../errors.ts';
import { Actor } from '../runtime/actor.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { WorkerPool } from '../runtime/pool/pool.ts';
import { MicroBatcher } from '../runtime/batcher.ts';
import { withDeadline } from '../runtime/deadline.ts';
import type { DiagnosisRequestT } from '../http/schemas.ts';
import { classify, semanticHitCovered, type Classified } from './classifier/classify.ts';
import type { ParsedFinding } from './classifier/parser.ts';
import type { PhraseHit } from './matcher/inference.ts';
import { buildModelTables, encodeCase, evidenceWeights, AGE_BANDS, SEXES, type ModelTables, type EncodedCase } from './matcher/model.ts';
import { detectRedFlags, assessUrgency, conditionUrgency, type UrgencyResult } from './emergency/rules.ts';
import { retrieveTreatments, interactionsAmong, allergyConflicts, resolveMedications, type TreatmentResult } from './treatments/retriever.ts';
import { evidenceFor, nextQuestions, plainSummary } from './explain.ts';
import { finalizeEvidence, type Evidence } from './evidence.ts';

export const DISCLAIMER = 'Edge DDx is clinical decision support for healthcare professionals. It does not make a diagnosis; a clinician must confirm every finding and decision.';
const SEMANTIC_MIN_SIMILARITY = 0.8;
const MIN_CONDITIONS = 10;

export type Part = { type: 'urgency' | 'symptoms' | 'conditions' | 'treatments'; [k: string]: unknown };

interface MatchOut { probs: Float32Array; semantic: Float32Array }

export interface CoordinatorDeps { config: Config; logger: Logger; metrics: Metrics; store: Store; kbDir?: string }

export class Coordinator {
  readonly ckb: CompiledKb;
  readonly tables: ModelTables;
  readonly manifest: Manifest;
  private readonly pool: WorkerPool;
  private readonly batcher: MicroBatcher<EncodedCase, MatchOut>;
  private readonly supervisor: Supervisor;
  private readonly classifierActor: Actor<DiagnosisRequestT, Classified>;
  private readonly emergencyActor: Actor<Evidence, ReturnType<typeof detectRedFlags>>;
  private readonly matcherActor: Actor<Evidence, MatchOut>;
  private readonly treatmentActor: Actor<{ conditionIds: string[]; req: DiagnosisRequestT; ev: Evidence }, TreatmentResult>;
  private readonly semanticActor: Actor<string[], PhraseHit[][]>;
  private closing = false;
  private readonly findingLabels: Map<string, string>;

  private constructor(private readonly d: CoordinatorDeps) {
    const kbDir = d.kbDir ?? DEFAULT_KB_DIR;
    this.manifest = assertFreshArtifacts(kbDir);
    this.ckb = compileKb(loadKnowledgeBase(kbDir));
    this.tables = buildModelTables(this.ckb, this.manifest.params);
    this.findingLabels = new Map(this.ckb.findings.map((f) => [f.id, f.label]));
    if (this.tables.findingIds.join() !== this.manifest.findingIds.join() || this.tables.conditionIds.join() !== this.manifest.conditionIds.join()) {
      throw new Error('Model artifacts do not match the knowledge base order: run `npm run models:build`.');
    }
    const { config, metrics } = d;
    const F = this.tables.F, C = this.tables.C;
    this.pool = new WorkerPool({
      name: 'inference', filename: new URL('./matcher/worker-loader.mjs', import.meta.url).href,
      threads: config.poolThreads, maxQueue: config.poolMaxQueue,
    });
    this.batcher = new MicroBatcher<EncodedCase, MatchOut>({
      maxBatch: config.batchMax, maxWaitUs: config.batchWaitUs, maxQueue: config.poolMaxQueue * config.batchMax, maxInFlight: config.poolThreads, name: 'inference',
      flush: async (rows) => {
        const n = rows.length;
        const present = new Float32Array(n * F), absent = new Float32Array(n * F);
        const age = new Float32Array(n * AGE_BANDS.length), sex = new Float32Array(n * SEXES.length);
        rows.forEach((r, i) => { present.set(r.present, i * F); absent.set(r.absent, i * F); age.set(r.age, i * AGE_BANDS.length); sex.set(r.sex, i * SEXES.length); });
        metrics.batchSize.observe(n);
        // not transferred: a copy keeps the pool's retry-once on a worker crash (a transferred batch cannot be resent)
        const packed = await this.pool.run('diagnose', { n, present, absent, age, sex }) as Float32Array;
        return rows.map((_, i) => ({ probs: packed.subarray(i * C, (i + 1) * C), semantic: packed.subarray(2 * n * C + i * C, 2 * n * C + (i + 1) * C) }));
      },
    });
    const timed = <A, R>(agent: string, fn: (a: A) => Promise<R> | R) => async (a: A): Promise<R> => {
      const t0 = performance.now();
      try { const r = await fn(a); metrics.agentCalls.inc({ agent, outcome: 'ok' }); return r; } catch (e) { metrics.agentCalls.inc({ agent, outcome: asEdgeDdxError(e).code }); throw e; } finally { metrics.agentLatency.observe({ agent }, (performance.now() - t0) / 1000); }
    };
    this.classifierActor = new Actor('symptom_classifier', timed('symptom_classifier', (req: DiagnosisRequestT) => classify(this.ckb, req)), { mailbox: config.maxInflight, concurrency: config.maxInflight });
    this.emergencyActor = new Actor('emergency_detector', timed('emergency_detector', (ev: Evidence) => detectRedFlags(this.ckb, ev)), { mailbox: config.maxInflight, concurrency: config.maxInflight });
    this.matcherActor = new Actor('condition_matcher', timed('condition_matcher', (ev: Evidence) => this.batcher.submit(encodeCase(this.ckb, this.tables, ev, this.weights(ev)))), { mailbox: config.maxInflight, concurrency: config.maxInflight });
    this.treatmentActor = new Actor('treatment_retriever', timed('treatment_retriever', (m: { conditionIds: string[]; req: DiagnosisRequestT; ev: Evidence }) => retrieveTreatments(this.ckb, m.conditionIds, {
      ...(m.ev.age !== undefined ? { age: m.ev.age } : {}), pregnant: m.ev.present.has(this.ckb.kb.qualifiers.patient_map.pregnant_finding),
      conditionFindings: m.ev.present, medications: m.req.patient?.medications ?? [], allergies: m.req.patient?.allergies ?? [],
      breastfeeding: m.ev.present.has(this.ckb.kb.qualifiers.patient_map.breastfeeding_finding ?? ''),
      ckdFinding: this.ckb.kb.qualifiers.patient_map.ckd_finding, pregnancyFinding: this.ckb.kb.qualifiers.patient_map.pregnant_finding,
    })), { mailbox: config.maxInflight, concurrency: config.maxInflight });
    this.semanticActor = new Actor('semantic_lookup', timed('semantic_lookup', (texts: string[]) => this.pool.run('phrases', { texts, k: 2 }) as Promise<PhraseHit[][]>), { mailbox: config.maxInflight, concurrency: config.maxInflight });

    this.supervisor = new Supervisor({
      onCircuitChange: (name: string, state: string) => metrics.circuitState.set({ agent: name }, state === 'open' ? 2 : state === 'half-open' ? 1 : 0),
    });
    // close() stops children in reverse order: actors first, then the batcher, then the pool under it
    this.supervisor.add('inference_pool', this.pool);
    this.supervisor.add('inference_batcher', this.batcher);
    this.supervisor.add('symptom_classifier', this.classifierActor);
    this.supervisor.add('semantic_lookup', this.semanticActor);
    this.supervisor.add('emergency_detector', this.emergencyActor);
    this.supervisor.add('condition_matcher', this.matcherActor);
    this.supervisor.add('treatment_retriever', this.treatmentActor);
  }

  static async create(d: CoordinatorDeps): Promise<Coordinator> {
    const c = new Coordinator(d);
    try {
      await withDeadline(c.pool.ready(), 60_000, 'starting the inference workers');
    } catch (e) {
      await c.pool.destroy();
      throw e;
    }
    await c.d.store.syncConditions(c.ckb.conditions.map((x) => ({ id: x.id, name: x.name, icd10: x.icd10[0], system: x.system, data: { severity: x.severity, urgency: x.urgency } })));
    return c;
  }

  /** Evidence weights from the fitted parameters (repaired or word-order-free mentions; see ModelParams). */
  private weights(ev: Evidence): Map<string, number> | undefined {
    return evidenceWeights(ev, this.tables.params);
  }

  private call<A, R>(name: string, msg: A, deadlineAt: number): Promise<R> {
    return this.supervisor.call(name, msg, { deadlineMs: Math.max(1, deadlineAt - performance.now()) }) as Promise<R>;
  }

  /** Semantic lookup of texts the exact vocabulary could not place; adds what it finds to the evidence. */
  private async placeUnplaced(cl: Classified, deadlineAt: number, degraded: string[]): Promise<void> {
    if (cl.unplaced.length === 0) return;
    try {
      const hits = await this.call<string[], PhraseHit[][]>('semantic_lookup', cl.unplaced.map((u) => u.text), deadlineAt);
      const ev = cl.evidence;
      hits.forEach((h, i) => {
        const best = h[0];
        const u = cl.unplaced[i];
        if (!best || best.similarity < SEMANTIC_MIN_SIMILARITY || !semanticHitCovered(this.ckb, u.text, best.phrase)) return;
        const f = this.ckb.findingById.get(best.finding);
        if (!f || ev.present.has(f.id) || ev.absent.has(f.id)) return;
        const pf: ParsedFinding = { id: f.id, label: f.label, present: u.present, confidence: Math.round(best.similarity * 0.9 * 100) / 100, context: 'patient', match: 'repaired', source: u.source ?? { start: 0, end: 0 }, text: u.text };
        ev.recognised.push(pf);
        (u.present ? ev.present : ev.absent).add(f.id);
      });
      finalizeEvidence(this.ckb, ev);
    } catch (e) {
      degraded.push('symptom_classifier.semantic');
      this.d.logger.warn({ agent: 'semantic_lookup', code: asEdgeDdxError(e).code }, 'agent degraded');
    }
  }

  /**
   * The findings as recognised, then the broader findings they imply ("tearing chest pain" → chest pain), marked
   * `match: "implied"` with the finding they come from, so that a client looking for the general finding sees it.
   */
  private symptomsOut(ev: Evidence) {
    const out: Record<string, unknown>[] = ev.recognised.map((r) => ({
      id: r.id, label: r.label, present: r.present, confidence: r.confidence, context: r.context, match: r.match, ...(r.implied_by ? { implied_by: r.implied_by } : {}),
      ...(r.source.end > 0 ? { source: r.source } : {}),
      ...(r.severity !== undefined ? { severity: r.severity } : {}), ...(r.onset ? { onset: r.onset } : {}),
      ...(r.duration_hours !== undefined ? { duration_hours: Math.round(r.duration_hours * 100) / 100 } : {}), ...(r.laterality ? { laterality: r.laterality } : {}),
    }));
    const listed = new Set(ev.recognised.map((r) => r.id));
    for (const r of ev.recognised) {
      if (!r.present || !ev.present.has(r.id)) continue;
      for (const a of this.ckb.ancestors.get(r.id) ?? []) {
        if (listed.has(a) || !ev.present.has(a)) continue;
        listed.add(a);
        out.push({ id: a, label: this.ckb.findingById.get(a)?.label ?? a, present: true, confidence: r.confidence, context: r.context, match: 'implied', implied_by: r.id, ...(r.source.end > 0 ? { source: r.source } : {}) });
      }
    }
    return out;
  }

  async triage(req: DiagnosisRequestT) {
    const t0 = performance.now();
    const cl = classify(this.ckb, await this.withStoredPatient(req));
    if (cl.evidence.present.size + cl.evidence.absent.size === 0 && Object.keys(cl.evidence.vitals).length === 0) throw new NoFindingsError();
    const flags = detectRedFlags(this.ckb, cl.evidence);
    return { urgency: assessUrgency(flags), symptoms: this.symptomsOut(cl.evidence), timings_ms: { total: round2(performance.now() - t0) } };
  }

  async parse(text: string) {
    const cl = classify(this.ckb, { text });
    const ev = cl.evidence;
    return { symptoms: this.symptomsOut(ev), vitals: ev.vitals, ...(ev.age !== undefined ? { age: ev.age } : {}), ...(ev.sex ? { sex: ev.sex } : {}) };
  }

  private async withStoredPatient(req: DiagnosisRequestT): Promise<DiagnosisRequestT> {
    if (!req.patient_id) return req;
    const rec = await this.d.store.getPatient(req.patient_id);
    if (!rec) throw new NotFoundError('Patient');
    const stored = rec.data as NonNullable<DiagnosisRequestT['patient']>;
    const p = req.patient ?? {};
    const merge = (a?: string[], b?: string[]) => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined);
    const patient: NonNullable<DiagnosisRequestT['patient']> = { ...stored, ...p };
    for (const k of ['conditions', 'medications', 'allergies', 'risk_factors'] as const) { const m = merge(stored[k], p[k]); if (m) patient[k] = m; }
    return { ...req, patient };
  }

  async diagnose(input: DiagnosisRequestT, onPart?: (p: Part) => void) {
    if (this.closing) throw new EdgeDdxError('SHUTTING_DOWN', 503, 'The engine is closing and accepts no new work.', true);
    const t0 = performance.now();
    const deadlineAt = t0 + this.d.config.requestTimeoutMs;
    const timings: Record<string, number> = {};
    const degraded: string[] = [];
    const req = await this.withStoredPatient(input);

    const tc = performance.now();
    const cl = await this.call<DiagnosisRequestT, Classified>('symptom_classifier', req, deadlineAt);
    await this.placeUnplaced(cl, deadlineAt, degraded);
    const ev = cl.evidence;
    timings.classifier = round2(performance.now() - tc);
    if (ev.present.size === 0 && ev.absent.size === 0 && Object.keys(ev.vitals).length === 0) throw new NoFindingsError();
    const symptoms = this.symptomsOut(ev);

    // emergency detector and condition matcher in parallel; urgency goes out as soon as the rules answer
    const te = performance.now();
    const flagsP = this.call<Evidence, ReturnType<typeof detectRedFlags>>('emergency_detector', ev, deadlineAt)
      .catch((e) => { degraded.push('emergency_detector'); this.warn('emergency_detector', e); return detectRedFlags(this.ckb, ev); });
    const tm = performance.now();
    const matchP = this.call<Evidence, MatchOut>('condition_matcher', ev, deadlineAt).then((m) => { timings.matcher = round2(performance.now() - tm); return m; })
      .catch((e) => { degraded.push('condition_matcher'); this.warn('condition_matcher', e); return undefined; });
    const flags = await flagsP;
    timings.emergency = round2(performance.now() - te);
    onPart?.({ type: 'urgency', urgency: assessUrgency(flags) });
    onPart?.({ type: 'symptoms', symptoms });

    const match = await matchP;
    const conditions = match ? this.rankConditions(match, ev) : [];
    const urgency = assessUrgency(flags, conditions.map((c) => ({ urgency: c.urgency as never, probability: c.probability, name: c.name, severity: c.severity })));
    onPart?.({ type: 'conditions', conditions, urgency });

    const tt = performance.now();
    let treatments: TreatmentResult = { primary: [], alternatives: [], excluded: [], interactions: [], self_care: [], seek_care: [] };
    const leading = conditions.filter((c, i) => i < 3 && c.probability >= 0.05).map((c) => c.id);
    try {
      treatments = await this.call('treatment_retriever', { conditionIds: leading.length ? leading : conditions.slice(0, 1).map((c) => c.id), req, ev }, deadlineAt);
    } catch (e) {
      degraded.push('treatment_retriever');
      this.warn('treatment_retriever', e);
    }
    timings.treatments = round2(performance.now() - tt);
    onPart?.({ type: 'treatments', treatments });

    const ranked = conditions.slice(0, 5).map((c) => ({ index: this.ckb.conditionIndex.get(c.id)!, probability: c.probability }));
    const questions = match ? nextQuestions(this.ckb, this.tables, ranked, ev) : [];
    const nextSteps = this.nextSteps(urgency, treatments);
    const explanation = plainSummary({ urgency, conditions, findingLabels: this.findingLabels, degraded });
    const sessionId = randomUUID();
    timings.total = round2(performance.now() - t0);
    const response = {
      session_id: sessionId, urgency, symptoms, conditions, treatments, next_steps: nextSteps, questions, explanation,
      degraded, timings_ms: timings,
      patient: { ...(ev.age !== undefined ? { age: ev.age } : {}), ...(ev.sex ? { sex: ev.sex } : {}), source: cl.demographicsSource },
      disclaimer: DISCLAIMER,
    };
    await this.commit(sessionId, req, response, ev, urgency, timings.total, degraded, flags.map((f) => f.id));
    response.timings_ms.total = round2(performance.now() - t0);
    return response;
  }

  private warn(agent: string, e: unknown): void {
    this.d.logger.warn({ agent, code: asEdgeDdxError(e).code }, 'agent degraded');
  }

  private rankConditions(m: MatchOut, ev: Evidence) {
    const C = this.tables.C;
    const w = this.manifest.params.semanticWeight;
    let scores: Float32Array = m.probs;
    if (w > 0) {
      // blend the semantic (profile-similarity) signal in log space, then renormalise
      const s = new Float32Array(C);
      let sum = 0;
      for (let c = 0; c < C; c++) { s[c] = m.probs[c] * Math.exp(w * m.semantic[c]); sum += s[c]; }
      for (let c = 0; c < C; c++) s[c] /= sum;
      scores = s;
    }
    const order = [...scores.keys()].sort((a, b) => scores[b] - scores[a]);
    const top = order.slice(0, Math.max(MIN_CONDITIONS, order.findIndex((i) => scores[i] < 0.005) + 1)).slice(0, 20);
    return top.map((ci) => {
      const c = this.ckb.conditions[ci];
      const ex = evidenceFor(this.ckb, this.tables, ci, ev);
      return {
        id: c.id, name: c.name, icd10: c.icd10[0], icd10_codes: c.icd10, probability: round4(scores[ci]), severity: c.severity, urgency: conditionUrgency(c, ev),
        semantic_similarity: round4(m.semantic[ci]),
        evidence_for: ex.for.map((x) => x.id), evidence_against: ex.against.map((x) => x.id), explanation: ex,
      };
    });
  }

  private nextSteps(u: UrgencyResult, t: TreatmentResult): string[] {
    const steps: string[] = [u.recommended_action];
    for (const f of u.red_flags.slice(0, 3)) if (!steps.includes(f.action)) steps.push(f.action);
    for (const s of t.seek_care.slice(0, 2)) if (!steps.includes(s)) steps.push(s);
    if (t.interactions.some((i) => i.severity === 'major' || i.severity === 'contraindicated')) steps.push('Review the current medications: a major interaction was found.');
    return steps;
  }

  private async commit(id: string, req: DiagnosisRequestT, response: object, ev: Evidence, urgency: UrgencyResult, ms: number, degraded: string[], flags: string[]) {
    const t0 = performance.now();
    try {
      await this.d.store.commitSession({
        id, patientId: req.patient_id ?? null, createdAt: new Date().toISOString(),
        symptoms: { present: [...ev.present], absent: [...ev.absent] },
        request: req, result: response, urgency: urgency.level, processingTimeMs: ms,
        agentResponses: { red_flags: flags, degraded, recognised: ev.recognised.length },
        degraded,
      }, [{ type: 'diagnosis.created', at: new Date().toISOString(), data: { urgency: urgency.level, red_flags: flags, degraded } }]);
    } catch (e) {
      if (e instanceof EdgeDdxError) throw e;
      throw new StoreError();
    } finally {
      this.d.metrics.storeCommit.observe((performance.now() - t0) / 1000);
    }
  }

  async getSession(id: string) {
    const s = await this.d.store.getSession(id);
    if (!s) throw new NotFoundError('Session');
    const events = await this.d.store.listEvents(id);
    return { session_id: s.id, patient_id: s.patientId, created_at: s.createdAt, urgency: s.urgency, processing_time_ms: s.processingTimeMs, degraded: s.degraded, symptoms: s.symptoms, result: s.result, agent_responses: s.agentResponses, events };
  }

  async putPatient(body: Record<string, unknown>) {
    const now = new Date().toISOString();
    const id = typeof body.id === 'string' ? body.id : randomUUID();
    const existing = await this.d.store.getPatient(id);
    const { id: _drop, ...data } = body;
    void _drop;
    await this.d.store.upsertPatient({ id, createdAt: existing?.createdAt ?? now, updatedAt: now, data });
    await this.d.store.appendEvent({ sessionId: null, type: existing ? 'patient.updated' : 'patient.created', at: now, data: { patient_id: id } });
    return { id, created_at: existing?.createdAt ?? now, updated_at: now, ...data };
  }

  async getPatient(id: string) {
    const p = await this.d.store.getPatient(id);
    if (!p) throw new NotFoundError('Patient');
    return { id: p.id, created_at: p.createdAt, updated_at: p.updatedAt, ...(p.data as object) };
  }

  searchSymptoms(q: string, limit: number) {
    const nq = normalizeText(q).trim();
    const scored: { score: number; f: CompiledKb['findings'][number] }[] = [];
    for (const f of this.ckb.findings) {
      if (!nq) { scored.push({ score: 0, f }); continue; }
      let best = -1;
      for (const s of [f.label.toLowerCase(), f.id.replace(/_/g, ' '), ...f.synonyms]) {
        const i = s.indexOf(nq);
        if (i === 0) best = Math.max(best, 3 - s.length / 100);
        else if (i > 0) best = Math.max(best, 2 - s.length / 100);
      }
      if (best > 0) scored.push({ score: best, f });
    }
    scored.sort((a, b) => b.score - a.score);
    return { total: scored.length, items: scored.slice(0, limit).map(({ f }) => ({ id: f.id, label: f.label, system: f.system, kind: f.kind, synonyms: f.synonyms.slice(0, 10) })) };
  }

  listConditions(q: string, limit: number, offset: number) {
    const nq = normalizeText(q).trim();
    const all = this.ckb.conditions.filter((c) => !nq || [c.name, c.id, ...c.synonyms, ...c.icd10].some((s) => normalizeText(s).includes(nq)));
    return { total: all.length, items: all.slice(offset, offset + limit).map((c) => ({ id: c.id, name: c.name, icd10: c.icd10[0], icd10_all: c.icd10, system: c.system, severity: c.severity, urgency: c.urgency })) };
  }

  getCondition(id: string) {
    const c = this.ckb.conditionById.get(id);
    if (!c) throw new NotFoundError('Condition');
    const flags = (c.red_flags ?? []).map((r) => this.ckb.kb.redFlags.find((x) => x.id === r)).filter(Boolean);
    return { ...c, findings: c.findings.map((f) => ({ ...f, label: this.ckb.findingById.get(f.id)?.label ?? f.id })), red_flags: flags };
  }

  interactions(body: { medications: string[]; allergies?: string[]; candidates?: string[] }) {
    const meds = resolveMedications(this.ckb, body.medications);
    const cands = resolveMedications(this.ckb, body.candidates ?? []);
    const drugs = [...meds, ...cands].flatMap((m) => (m.drug ? [m.drug] : []));
    const conflicts = [...new Set(drugs)].flatMap((d) => allergyConflicts(this.ckb, d, body.allergies ?? []));
    return {
      medications: meds, candidates: cands,
      interactions: interactionsAmong(this.ckb, drugs).map((i) => ({ drugs: i.drugs, severity: i.severity, mechanism: i.mechanism, advice: i.advice, detail: i.detail })),
      allergy_conflicts: conflicts,
    };
  }

  async readiness() {
    const store = await this.d.store.ping().catch(() => ({ ok: false, latencyMs: -1 }));
    const pool = this.pool.stats();
    return { ready: store.ok && pool.threads > 0 && !this.closing, store: store.ok, pool_threads: pool.threads };
  }

  /** Refreshes the sampled gauges (pool depth, utilisation, threads); called before each metrics scrape. */
  sampleGauges() {
    const pool = this.pool.stats();
    this.d.metrics.poolQueue.set({ pool: 'inference' }, pool.queueSize);
    this.d.metrics.poolUtilization.set({ pool: 'inference' }, pool.utilization);
    this.d.metrics.poolThreads.set({ pool: 'inference' }, pool.threads);
    return pool;
  }

  async healthDetailed() {
    const store = await this.d.store.ping().catch(() => ({ ok: false, latencyMs: -1 }));
    const mem = process.memoryUsage();
    const pool = this.sampleGauges();
    return {
      status: store.ok && pool.threads > 0 ? 'ok' : 'degraded',
      store: { kind: this.d.store.kind, ok: store.ok, latency_ms: round2(store.latencyMs), ...this.d.store.stats() },
      pools: { inference: pool }, batcher: this.batcher.stats(),
      agents: this.supervisor.health(),
      knowledge_base: { conditions: this.ckb.conditions.length, findings: this.ckb.findings.length, drugs: this.ckb.drugById.size, kb_hash: this.manifest.kbHash.slice(0, 12) },
      memory: { rss_mb: Math.round(mem.rss / 1048576), heap_used_mb: Math.round(mem.heapUsed / 1048576), external_mb: Math.round(mem.external / 1048576) },
      uptime_s: Math.round(process.uptime()),
    };
  }

  /** The inference pool, for operations tooling and fault-injection tests. */
  get inferencePool(): WorkerPool { return this.pool; }

  /** Graceful: refuse new work, let in-flight diagnoses finish (bounded by the caller), close agents and pools. */
  async close(): Promise<void> {
    this.closing = true;
    await this.supervisor.close();
  }

  async destroy(): Promise<void> {
    this.closing = true;
    await this.supervisor.destroy();
  }
}

function round2(x: number): number { return Math.round(x * 100) / 100; }
function round4(x: number): number { return Math.round(x * 10000) / 10000; }
