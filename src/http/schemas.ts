/**
 * The v1 API contract as typebox schemas. The same objects compile into the request validators and generate
 * /openapi.json, so the documentation cannot drift from what the server enforces.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Str = (max: number, min = 0) => Type.String({ maxLength: max, minLength: min });

export const Patient = Type.Object({
  age: Type.Optional(Type.Number({ minimum: 0, maximum: 125 })),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('other'), Type.Literal('unknown')])),
  pregnant: Type.Optional(Type.Boolean()),
  conditions: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  medications: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  allergies: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  risk_factors: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
}, { additionalProperties: false });

export const SymptomInput = Type.Object({
  id: Type.Optional(Str(80, 1)),
  text: Type.Optional(Str(500, 1)),
  present: Type.Optional(Type.Boolean()),
  severity: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
  onset_hours: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
}, { additionalProperties: false });

export const Vitals = Type.Object({
  heart_rate: Type.Optional(Type.Number({ minimum: 0, maximum: 350 })),
  resp_rate: Type.Optional(Type.Number({ minimum: 0, maximum: 120 })),
  spo2: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  temp_c: Type.Optional(Type.Number({ minimum: 20, maximum: 46 })),
  sbp: Type.Optional(Type.Number({ minimum: 0, maximum: 350 })),
  dbp: Type.Optional(Type.Number({ minimum: 0, maximum: 250 })),
  gcs: Type.Optional(Type.Integer({ minimum: 3, maximum: 15 })),
}, { additionalProperties: false });

export const DiagnosisRequest = Type.Object({
  patient_id: Type.Optional(Str(80, 1)),
  patient: Type.Optional(Patient),
  text: Type.Optional(Str(20_000)),
  symptoms: Type.Optional(Type.Array(SymptomInput, { maxItems: 200 })),
  vitals: Type.Optional(Vitals),
}, { additionalProperties: false });
export type DiagnosisRequestT = Static<typeof DiagnosisRequest>;

const Span = Type.Object({ start: Type.Integer(), end: Type.Integer() });
export const RecognisedSymptom = Type.Object({
  id: Type.String(), label: Type.String(), present: Type.Boolean(), confidence: Type.Number(),
  source: Type.Optional(Span), context: Type.Optional(Type.String()), severity: Type.Optional(Type.Number()),
  onset: Type.Optional(Type.String()), duration_hours: Type.Optional(Type.Number()), laterality: Type.Optional(Type.String()),
  match: Type.Optional(Type.String()),
  /** for match "implied": the recognised finding that implies this broader one */
  implied_by: Type.Optional(Type.String()),
});

export const RedFlagOut = Type.Object({ id: Type.String(), label: Type.String(), urgency: Type.String(), action: Type.String(), evidence: Type.Array(Type.String()) });
export const UrgencyOut = Type.Object({
  level: Type.Union(['emergency', 'urgent', 'routine', 'self_care'].map((s) => Type.Literal(s))),
  score: Type.Number(), red_flags: Type.Array(RedFlagOut), recommended_action: Type.String(),
  time_to_care: Type.Union(['immediately', 'within 24 hours', 'within days', 'self care'].map((s) => Type.Literal(s))),
});
export const ConditionOut = Type.Object({
  id: Type.String(), name: Type.String(), icd10: Type.String(), icd10_codes: Type.Array(Type.String()), probability: Type.Number(),
  severity: Type.Integer(), urgency: Type.String(),
  evidence_for: Type.Array(Type.String()), evidence_against: Type.Array(Type.String()),
  explanation: Type.Optional(Type.Object({ for: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), weight: Type.Number() })), against: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), weight: Type.Number() })) })),
});
const TreatmentOpt = Type.Object({ condition_id: Type.String(), name: Type.String(), kind: Type.String(), drug: Type.Optional(Type.String()), note: Type.Optional(Type.String()) });
export const InteractionOut = Type.Object({ drugs: Type.Array(Type.String()), severity: Type.String(), mechanism: Type.String(), advice: Type.String(), detail: Type.String() });
export const TreatmentsOut = Type.Object({
  primary: Type.Array(TreatmentOpt), alternatives: Type.Array(TreatmentOpt),
  excluded: Type.Array(Type.Object({ condition_id: Type.String(), name: Type.String(), drug: Type.String(), reason: Type.String(), detail: Type.String() })),
  interactions: Type.Array(InteractionOut), self_care: Type.Array(Type.String()), seek_care: Type.Array(Type.String()),
});
export const DiagnosisResponse = Type.Object({
  session_id: Type.String(), urgency: UrgencyOut, symptoms: Type.Array(RecognisedSymptom), conditions: Type.Array(ConditionOut),
  treatments: TreatmentsOut, next_steps: Type.Array(Type.String()),
  questions: Type.Array(Type.Object({ symptom_id: Type.String(), text: Type.String(), information_gain: Type.Number() })),
  explanation: Type.String(), degraded: Type.Array(Type.String()), timings_ms: Type.Record(Type.String(), Type.Number()),
  patient: Type.Object({ age: Type.Optional(Type.Number()), sex: Type.Optional(Type.String()), source: Type.String() }),
  disclaimer: Type.String(),
});

export const ParseRequest = Type.Object({ text: Str(20_000, 1) }, { additionalProperties: false });
export const ParseResponse = Type.Object({
  symptoms: Type.Array(RecognisedSymptom), vitals: Vitals, age: Type.Optional(Type.Number()), sex: Type.Optional(Type.String()),
});
export const TriageResponse = Type.Object({ urgency: UrgencyOut, symptoms: Type.Array(RecognisedSymptom), timings_ms: Type.Record(Type.String(), Type.Number()) });

export const InteractionsRequest = Type.Object({
  medications: Type.Array(Str(200, 1), { maxItems: 50 }),
  allergies: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  candidates: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
}, { additionalProperties: false });
export const InteractionsResponse = Type.Object({
  medications: Type.Array(Type.Object({ input: Type.String(), drug: Type.Union([Type.String(), Type.Null()]) })),
  candidates: Type.Array(Type.Object({ input: Type.String(), drug: Type.Union([Type.String(), Type.Null()]) })),
  interactions: Type.Array(InteractionOut),
  allergy_conflicts: Type.Array(Type.Object({ drug: Type.String(), allergy: Type.String(), risk: Type.String(), detail: Type.String() })),
});

export const PatientCreate = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,80}$' })),
  age: Type.Optional(Type.Number({ minimum: 0, maximum: 125 })),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('other'), Type.Literal('unknown')])),
  conditions: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  medications: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  allergies: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
  risk_factors: Type.Optional(Type.Array(Str(200, 1), { maxItems: 50 })),
}, { additionalProperties: false });

export const ListQuery = Type.Object({
  q: Type.Optional(Str(200)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false });

export const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Array(Type.Any())) }) });

export interface RouteDoc { method: 'get' | 'post'; path: string; summary: string; body?: TSchema; response?: TSchema; query?: TSchema; tags?: string[] }

export const ROUTE_DOCS: RouteDoc[] = [
  { method: 'post', path: '/v1/diagnosis', summary: 'Differential diagnosis, urgency, safe treatments; commits the session', body: DiagnosisRequest, response: DiagnosisResponse },
  { method: 'get', path: '/v1/diagnosis/stream', summary: 'WebSocket: send a DiagnosisRequest, receive urgency, symptoms, conditions, treatments, final' },
  { method: 'post', path: '/v1/parse', summary: 'Free text to findings with negation and source spans', body: ParseRequest, response: ParseResponse },
  { method: 'post', path: '/v1/triage', summary: 'Urgency only', body: DiagnosisRequest, response: TriageResponse },
  { method: 'get', path: '/v1/symptoms', summary: 'Vocabulary search / autocomplete', query: ListQuery },
  { method: 'get', path: '/v1/conditions', summary: 'Knowledge-base conditions', query: ListQuery },
  { method: 'get', path: '/v1/conditions/{id}', summary: 'One condition with its findings, red flags, treatments and sources' },
  { method: 'post', path: '/v1/interactions', summary: 'Drug interactions and allergy conflicts', body: InteractionsRequest, response: InteractionsResponse },
  { method: 'get', path: '/v1/sessions/{id}', summary: 'A stored diagnosis with its agent outputs and audit events' },
  { method: 'post', path: '/v1/patients', summary: 'Create or replace a patient record', body: PatientCreate },
  { method: 'get', path: '/v1/patients/{id}', summary: 'A patient record' },
  { method: 'get', path: '/health', summary: 'Liveness' },
  { method: 'get', path: '/health/ready', summary: 'Readiness (store reachable, pools up)' },
  { method: 'get', path: '/health/detailed', summary: 'Store, pools, agents, memory' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics' },
  { method: 'get', path: '/openapi.json', summary: 'This document' },
];

export function openApiDocument(version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of ROUTE_DOCS) {
    const op: Record<string, unknown> = { summary: r.summary, responses: { 200: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: r.response } } } : {}) }, default: { description: 'Error', content: { 'application/json': { schema: ErrorBody } } } } };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.body } } };
    if (r.query) op.parameters = Object.entries((r.query as unknown as { properties: Record<string, TSchema> }).properties).map(([name, schema]) => ({ name, in: 'query', schema }));
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (params.length) op.parameters = [...((op.parameters as object[]) ?? []), ...params];
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Edge DDx API', version, description: 'Clinical decision support: differential diagnosis, urgency and safe treatment options. Decision support for professionals, not a diagnosis.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
