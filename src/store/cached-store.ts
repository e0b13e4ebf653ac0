/**
 * Read-through LRU cache in front of a Store, for getSession and getPatient.
 *
 * Guarantees: a read that starts after a write to the same record has resolved never returns the old value
 * from the cache (writes invalidate, and a read that overlapped a patient write is not cached). Absent records
 * are never cached, so a session is visible as soon as its commit resolves.
 * Cached records are deep-frozen and shared between callers: treat them as read-only (mutation throws).
 */
import { LRUCache } from 'lru-cache';
import { Type, type Static } from '@sinclair/typebox';
import { fillOptions } from './shared.ts';
import type {
  AuditEvent, ConditionRow, NewAuditEvent, PatientRecord, SessionEvent, SessionRecord, Store, StoreStats,
} from './types.ts';

export const CachedStoreOptions = Type.Object({
  maxEntries: Type.Integer({ minimum: 1, default: 10_000 }),
  ttlMs: Type.Integer({ minimum: 1, default: 5 * 60_000 }),
});
export type CachedStoreOptions = Static<typeof CachedStoreOptions>;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

export class CachedStore implements Store {
  readonly inner: Store;
  readonly #sessions: LRUCache<string, SessionRecord>;
  readonly #patients: LRUCache<string, PatientRecord>;
  // bumped by every patient write; a read that saw it change may hold the pre-write row, so it is not cached
  #patientEpoch = 0;
  #hits = 0;
  #misses = 0;

  constructor(inner: Store, input: Partial<CachedStoreOptions> = {}) {
    const o = fillOptions(CachedStoreOptions, input, 'store cache');
    this.inner = inner;
    this.#sessions = new LRUCache({ max: o.maxEntries, ttl: o.ttlMs });
    this.#patients = new LRUCache({ max: o.maxEntries, ttl: o.ttlMs });
  }

  get kind(): Store['kind'] { return this.inner.kind; }

  migrate(): Promise<number> { return this.inner.migrate(); }

  async commitSession(s: SessionRecord, events?: SessionEvent[]): Promise<void> {
    this.#sessions.delete(s.id);
    try {
      await this.inner.commitSession(s, events);
    } finally {
      this.#sessions.delete(s.id);
    }
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const hit = this.#sessions.get(id);
    if (hit) { this.#hits++; return hit; }
    this.#misses++;
    const s = await this.inner.getSession(id);
    // sessions are written once, so a row read at any time is current
    if (s) this.#sessions.set(id, deepFreeze(s));
    return s;
  }

  listEvents(sessionId: string): Promise<AuditEvent[]> { return this.inner.listEvents(sessionId); }
  appendEvent(e: NewAuditEvent): Promise<void> { return this.inner.appendEvent(e); }

  async upsertPatient(p: PatientRecord): Promise<void> {
    this.#patientEpoch++;
    this.#patients.delete(p.id);
    try {
      await this.inner.upsertPatient(p);
    } finally {
      this.#patientEpoch++;
      this.#patients.delete(p.id);
    }
  }

  async getPatient(id: string): Promise<PatientRecord | null> {
    const hit = this.#patients.get(id);
    if (hit) { this.#hits++; return hit; }
    this.#misses++;
    const epoch = this.#patientEpoch;
    const p = await this.inner.getPatient(id);
    if (p && epoch === this.#patientEpoch) this.#patients.set(id, deepFreeze(p));
    return p;
  }

  syncConditions(rows: ConditionRow[]): Promise<void> { return this.inner.syncConditions(rows); }
  countSessions(): Promise<number> { return this.inner.countSessions(); }
  ping(): Promise<{ ok: boolean; latencyMs: number }> { return this.inner.ping(); }
  stats(): StoreStats { return this.inner.stats(); }

  cacheStats(): { hits: number; misses: number; sessions: number; patients: number } {
    return { hits: this.#hits, misses: this.#misses, sessions: this.#sessions.size, patients: this.#patients.size };
  }

  close(): Promise<void> {
    this.#sessions.clear();
    this.#patients.clear();
    return this.inner.close();
  }

  destroy(): void {
    this.#sessions.clear();
    this.#patients.clear();
    this.inner.destroy();
  }
}
