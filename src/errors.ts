/**
 * The one error registry. Every error the engine can surface has a class here with a stable `code`,
 * an HTTP status and whether a client may retry. Code matches on `code`, never on messages.
 * Messages never carry patient data: they describe what went wrong, not what the patient said.
 * The public table is docs/errors.md.
 */

export interface ErrorData {
  ok: false;
  code: string;
  message: string;
  retryable: boolean;
  details?: unknown[];
}

export class EdgeDdxError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: unknown[] | undefined;

  constructor(code: string, status: number, message: string, retryable = false, details?: unknown[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.retryable = retryable;
    this.details = details;
  }

  /** Errors cross threads and process boundaries as plain data. */
  toData(): ErrorData {
    return { ok: false, code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

// ---- request errors (4xx) ----
export class InvalidJsonError extends EdgeDdxError {
  constructor() { super('INVALID_JSON', 400, 'Request body is not valid JSON.'); }
}
export class ValidationError extends EdgeDdxError {
  constructor(details: { path: string; message: string }[], message = 'Request does not match the schema.') {
    super('VALIDATION_FAILED', 400, message, false, details);
  }
}
export class NoFindingsError extends EdgeDdxError {
  constructor() { super('NO_FINDINGS', 422, 'No clinical finding was recognised in text or symptoms.'); }
}
export class PayloadTooLargeError extends EdgeDdxError {
  constructor(limit: number) { super('PAYLOAD_TOO_LARGE', 413, `Request body exceeds ${limit} bytes.`); }
}
export class UnsupportedMediaTypeError extends EdgeDdxError {
  constructor() { super('UNSUPPORTED_MEDIA_TYPE', 415, 'Content-Type must be application/json.'); }
}
export class NotFoundError extends EdgeDdxError {
  constructor(what = 'Resource') { super('NOT_FOUND', 404, `${what} not found.`); }
}
export class RouteNotFoundError extends EdgeDdxError {
  constructor() { super('ROUTE_NOT_FOUND', 404, 'No such route.'); }
}
export class MethodNotAllowedError extends EdgeDdxError {
  constructor() { super('METHOD_NOT_ALLOWED', 405, 'Method not allowed on this route.'); }
}
export class UnauthorizedError extends EdgeDdxError {
  constructor() { super('UNAUTHORIZED', 401, 'A valid API key is required (Authorization: Bearer <key>).'); }
}
export class ConflictError extends EdgeDdxError {
  constructor(message: string) { super('CONFLICT', 409, message); }
}

// ---- capacity and runtime errors (5xx, retryable) ----
export class OverloadedError extends EdgeDdxError {
  readonly retryAfterS: number;
  constructor(what: string, retryAfterS = 1) {
    super('OVERLOADED', 503, `${what} is at capacity; retry later.`, true);
    this.retryAfterS = retryAfterS;
  }
}
export class MailboxFullError extends EdgeDdxError {
  constructor(actor: string) { super('MAILBOX_FULL', 503, `Mailbox of ${actor} is full.`, true); }
}
export class QueueFullError extends EdgeDdxError {
  constructor(queue: string) { super('QUEUE_FULL', 503, `Queue ${queue} is full.`, true); }
}
export class DeadlineExceededError extends EdgeDdxError {
  constructor(what: string, ms: number) { super('DEADLINE_EXCEEDED', 504, `${what} did not finish within ${ms} ms.`, true); }
}
export class CircuitOpenError extends EdgeDdxError {
  constructor(what: string) { super('CIRCUIT_OPEN', 503, `Circuit for ${what} is open.`, true); }
}
export class WorkerCrashedError extends EdgeDdxError {
  constructor(pool: string) { super('WORKER_CRASHED', 503, `A worker of pool ${pool} exited while handling the task.`, true); }
}
export class ClosedError extends EdgeDdxError {
  constructor(what: string) { super('SHUTTING_DOWN', 503, `${what} is closing and accepts no new work.`, true); }
}
export class StoreError extends EdgeDdxError {
  constructor(message = 'The store could not commit the session.') { super('STORE_UNAVAILABLE', 503, message, true); }
}
export class InternalError extends EdgeDdxError {
  constructor(message = 'Internal error.') { super('INTERNAL', 500, message, false); }
}
export class ConfigError extends EdgeDdxError {
  constructor(message: string) { super('CONFIG_INVALID', 500, message, false); }
}

/** Status of every code, so an error rebuilt from data keeps its HTTP meaning (a worker's 4xx stays a 4xx). */
const STATUS_OF: Record<string, number> = {
  INVALID_JSON: 400, VALIDATION_FAILED: 400, NO_FINDINGS: 422, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404, ROUTE_NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405, UNAUTHORIZED: 401, CONFLICT: 409,
  OVERLOADED: 503, MAILBOX_FULL: 503, QUEUE_FULL: 503, DEADLINE_EXCEEDED: 504, CIRCUIT_OPEN: 503, WORKER_CRASHED: 503,
  SHUTTING_DOWN: 503, STORE_UNAVAILABLE: 503, AGENT_UNAVAILABLE: 503, INTERNAL: 500, CONFIG_INVALID: 500,
};

/** Rebuilds a typed error from data that crossed a thread boundary. */
export function errorFromData(e: ErrorData): EdgeDdxError {
  if (e.code === 'OVERLOADED') return new OverloadedError(e.message);
  return new EdgeDdxError(e.code, STATUS_OF[e.code] ?? (e.retryable ? 503 : 500), e.message, e.retryable, e.details);
}

/** Anything thrown, as a typed error; unknown throwables become INTERNAL without leaking their text. */
export function asEdgeDdxError(err: unknown): EdgeDdxError {
  if (err instanceof EdgeDdxError) return err;
  return new InternalError();
}
