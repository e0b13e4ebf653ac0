/**
 * The store contract shared by the SQLite and PostgreSQL implementations and the cache in front of them.
 * Timestamps travel as ISO-8601 strings and come back normalised to `Date#toISOString()` form.
 */

export interface SessionRecord {
  id: string;
  patientId: string | null;
  createdAt: string;
  symptoms: unknown;
  request: unknown;
  result: unknown;
  urgency: string;
  processingTimeMs: number;
  agentResponses: unknown;
  degraded: string[];
}

export interface AuditEvent { id?: number; sessionId: string | null; type: string; at: string; data: unknown }
export type NewAuditEvent = Omit<AuditEvent, 'id'>;
export type SessionEvent = Omit<AuditEvent, 'id' | 'sessionId'>;

export interface PatientRecord { id: string; createdAt: string; updatedAt: string; data: unknown }

export interface ConditionRow { id: string; name: string; icd10: string; system: string; data: unknown }

export interface StoreStats {
  /** commits accepted but not yet durable (queued or in the transaction being written) */
  pendingCommits: number;
  /** group-commit transactions written since open */
  commitBatches: number;
  /** duration of the last group-commit transaction */
  lastCommitMs: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<number>;
  commitSession(s: SessionRecord, events?: SessionEvent[]): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  listEvents(sessionId: string): Promise<AuditEvent[]>;
  appendEvent(e: NewAuditEvent): Promise<void>;
  upsertPatient(p: PatientRecord): Promise<void>;
  getPatient(id: string): Promise<PatientRecord | null>;
  syncConditions(rows: ConditionRow[]): Promise<void>;
  countSessions(): Promise<number>;
  ping(): Promise<{ ok: boolean; latencyMs: number }>;
  stats(): StoreStats;
  close(): Promise<void>;
  destroy(): void;
}

/** Hooks are functions, so they live outside the typebox option schemas. */
export interface StoreHooks {
  logger?: { warn(o: object, msg: string): void };
  /** called after every group-commit transaction: its duration and how many sessions it carried (feed a histogram) */
  onCommit?: (ms: number, batch: number) => void;
}
