/**
 * The uWS HTTP + WebSocket server. Contract for every route handler:
 *  - `res.onAborted` is attached before any await, and URL, query, headers and params are copied out of the
 *    stack-allocated request before the first await;
 *  - bodies are size-limited, parsed and validated by compiled typebox checkers before the engine sees them;
 *  - every write happens through respond.ts (corked, never after abort), errors become JSON with a stable code;
 *  - patient-data responses carry `Cache-Control: no-store`.
 * Shutdown: `stopAccepting()` closes the listen socket and marks new responses `Connection: close`;
 * `closeSockets()` ends tracked WebSockets. In-flight requests are answered by the engine's own drain.
 */
import { timingSafeEqual } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_listen_socket } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { loadNativeUws } from './uws.ts';
import { readBody, parseJson } from './body.ts';
import { send, sendJson, sendError, errorBody, type ResState } from './respond.ts';
import {
  ValidationError, RouteNotFoundError, UnauthorizedError, OverloadedError, UnsupportedMediaTypeError, ClosedError,
  MethodNotAllowedError, InvalidJsonError, asEdgeDdxError, type EdgeDdxError,
} from '../errors.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability.ts';
import * as S from './schemas.ts';
import type { Coordinator } from '../actors/coordinator.ts';

const uws = loadNativeUws();

interface Ctx {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  state: ResState;
}
type Handler = (ctx: Ctx) => Promise<{ status?: number; body: unknown; noStore?: boolean; contentType?: string; raw?: string }>;

interface RouteDef { method: 'get' | 'post'; pattern: string; name: string; handler: Handler; body?: TSchema; auth: boolean; noStore: boolean }

/** A malformed %-escape must not throw inside a uWS handler (that would take the process down). */
function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

function compile(schema: TSchema): TypeCheck<TSchema> { return TypeCompiler.Compile(schema); }

function validationDetails(check: TypeCheck<TSchema>, value: unknown): { path: string; message: string }[] {
  return [...check.Errors(value)].slice(0, 20).map((e) => ({ path: e.path || '/', message: e.message }));
}

export interface ServerOptions { config: Config; engine: Coordinator; logger: Logger; metrics: Metrics; apiKeys: string[]; version: string }

export class HttpServer {
  private readonly app: TemplatedApp;
  private listenSocket: us_listen_socket | null = null;
  private readonly sockets = new Set<WebSocket<WsData>>();
  private accepting = true;
  private inflight = 0;
  private readonly keys: Buffer[];
  private readonly queryCheck = compile(S.ListQuery);
  port = 0;

  constructor(private readonly o: ServerOptions) {
    this.app = uws.App();
    this.keys = o.apiKeys.map((k) => Buffer.from(k));
    const e = o.engine;
    const routes: RouteDef[] = [
      { method: 'post', pattern: '/v1/diagnosis', name: 'diagnosis', body: S.DiagnosisRequest, auth: true, noStore: true, handler: async (c) => ({ body: await e.diagnose(c.body as S.DiagnosisRequestT) }) },
      { method: 'post', pattern: '/v1/triage', name: 'triage', body: S.DiagnosisRequest, auth: true, noStore: true, handler: async (c) => ({ body: await e.triage(c.body as S.DiagnosisRequestT) }) },
      { method: 'post', pattern: '/v1/parse', name: 'parse', body: S.ParseRequest, auth: true, noStore: true, handler: async (c) => ({ body: await e.parse((c.body as { text: string }).text) }) },
      { method: 'post', pattern: '/v1/interactions', name: 'interactions', body: S.InteractionsRequest, auth: true, noStore: true, handler: async (c) => ({ body: e.interactions(c.body as { medications: string[]; allergies?: string[]; candidates?: string[] }) }) },
      { method: 'get', pattern: '/v1/symptoms', name: 'symptoms', auth: true, noStore: false, handler: async (c) => { const q = this.listQuery(c.query); return { body: e.searchSymptoms(q.q ?? '', q.limit ?? 20) }; } },
      { method: 'get', pattern: '/v1/conditions', name: 'conditions', auth: true, noStore: false, handler: async (c) => { const q = this.listQuery(c.query); return { body: e.listConditions(q.q ?? '', q.limit ?? 50, q.offset ?? 0) }; } },
      { method: 'get', pattern: '/v1/conditions/:id', name: 'condition', auth: true, noStore: false, handler: async (c) => ({ body: e.getCondition(c.params[0]) }) },
      { method: 'get', pattern: '/v1/sessions/:id', name: 'session', auth: true, noStore: true, handler: async (c) => ({ body: await e.getSession(c.params[0]) }) },
      { method: 'post', pattern: '/v1/patients', name: 'patients', body: S.PatientCreate, auth: true, noStore: true, handler: async (c) => ({ status: 201, body: await e.putPatient(c.body as Record<string, unknown>) }) },
      { method: 'get', pattern: '/v1/patients/:id', name: 'patient', auth: true, noStore: true, handler: async (c) => ({ body: await e.getPatient(c.params[0]) }) },
      { method: 'get', pattern: '/health', name: 'health', auth: false, noStore: true, handler: async () => ({ body: { status: 'ok' } }) },
      { method: 'get', pattern: '/health/ready', name: 'ready', auth: false, noStore: true, handler: async () => {
        const r = await e.readiness();
        return { status: r.ready && this.accepting ? 200 : 503, body: { ...r, ready: r.ready && this.accepting, accepting: this.accepting } };
      } },
      { method: 'get', pattern: '/health/detailed', name: 'health_detailed', auth: false, noStore: true, handler: async () => ({ body: { ...(await e.healthDetailed()), http: { inflight: this.inflight, websockets: this.sockets.size, accepting: this.accepting } } }) },
      { method: 'get', pattern: '/metrics', name: 'metrics', auth: false, noStore: true, handler: async () => { e.sampleGauges(); return { raw: await o.metrics.registry.metrics(), contentType: o.metrics.registry.contentType, body: null }; } },
      { method: 'get', pattern: '/openapi.json', name: 'openapi', auth: false, noStore: false, handler: async () => ({ raw: this.openapi, body: null }) },
    ];
    for (const r of routes) this.register(r);
    const known = new Map<string, string[]>();
    for (const r of routes) known.set(r.pattern, [...(known.get(r.pattern) ?? []), r.method.toUpperCase()]);
    for (const [pattern] of known) this.app.any(pattern, (res) => this.fallback(res, new MethodNotAllowedError()));
    this.app.any('/*', (res) => this.fallback(res, new RouteNotFoundError()));
    this.registerWebSocket();
  }

  private readonly openapi = JSON.stringify(S.openApiDocument('1'));

  private listQuery(q: URLSearchParams): { q?: string; limit?: number; offset?: number } {
    const o: Record<string, unknown> = {};
    for (const [k, v] of q) o[k] = k === 'limit' || k === 'offset' ? (/^\d+$/.test(v) ? Number(v) : v) : v;
    if (!this.queryCheck.Check(o)) throw new ValidationError(validationDetails(this.queryCheck, o), 'Query parameters do not match the schema.');
    return o as { q?: string; limit?: number; offset?: number };
  }

  private fallback(res: HttpResponse, err: EdgeDdxError): void {
    const state: ResState = { aborted: false, done: false, closeConnection: !this.accepting };
    res.onAborted(() => { state.aborted = true; });
    this.o.metrics.httpRequests.inc({ route: 'unmatched', method: 'any', status: String(err.status) });
    sendError(res, state, err);
  }

  private authorized(header: string): boolean {
    if (!this.o.config.auth) return true;
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m) return false;
    const given = Buffer.from(m[1]);
    return this.keys.some((k) => k.length === given.length && timingSafeEqual(k, given));
  }

  private register(r: RouteDef): void {
    const check = r.body ? compile(r.body) : undefined;
    const paramCount = (r.pattern.match(/:/g) ?? []).length;
    const limit = this.o.config.bodyLimitBytes;
    const { metrics, logger } = this.o;
    this.app[r.method](r.pattern, (res: HttpResponse, req: HttpRequest) => {
      const t0 = performance.now();
      const state: ResState = { aborted: false, done: false, closeConnection: !this.accepting };
      res.onAborted(() => { state.aborted = true; });
      // copy everything needed from the request before any await
      const params: string[] = [];
      for (let i = 0; i < paramCount; i++) params.push(safeDecode(req.getParameter(i) ?? ''));
      const query = new URLSearchParams(req.getQuery() ?? '');
      const auth = req.getHeader('authorization');
      const contentType = req.getHeader('content-type');
      const lenHeader = req.getHeader('content-length');
      const declared = lenHeader ? Number(lenHeader) : undefined;
      const method = r.method.toUpperCase();
      const finish = (status: number) => {
        metrics.httpRequests.inc({ route: r.name, method, status: String(status) });
        const ms = performance.now() - t0;
        metrics.httpLatency.observe({ route: r.name }, ms / 1000);
        logger.debug({ route: r.name, method, status, ms: Math.round(ms * 100) / 100 }, 'request');
      };
      const fail = (err: unknown) => {
        const e = sendError(res, state, err);
        if (e.status >= 500 && e.code === 'INTERNAL') logger.error({ route: r.name, code: e.code, err: err instanceof Error ? { type: err.name, stack: err.stack?.split('\n').slice(1).join('\n') } : undefined }, 'request failed');
        finish(e.status);
      };
      if (r.auth && !this.authorized(auth)) { if (r.method === 'post') res.onData(() => {}); fail(new UnauthorizedError()); return; }
      if (r.method === 'post') {
        if (!this.accepting) { res.onData(() => {}); fail(new ClosedError('The server')); return; }
        if (this.inflight >= this.o.config.maxInflight) { res.onData(() => {}); metrics.shed.inc({ reason: 'inflight' }); fail(new OverloadedError('The server')); return; }
        if (contentType && !/^application\/json\b/i.test(contentType.trim())) { res.onData(() => {}); fail(new UnsupportedMediaTypeError()); return; }
      }
      this.inflight++;
      metrics.inflight.set(this.inflight);
      const run = async () => {
        let body: unknown;
        if (r.method === 'post') {
          body = parseJson(await readBody(res, state, limit, Number.isFinite(declared) ? declared : undefined));
          if (check && !check.Check(body)) throw new ValidationError(validationDetails(check, body));
        }
        return r.handler({ params, query, body, state });
      };
      run().then((out) => {
        const status = out.status ?? 200;
        if (out.raw !== undefined) send(res, state, status, out.raw, { contentType: out.contentType ?? 'application/json; charset=utf-8', noStore: r.noStore });
        else sendJson(res, state, status, out.body, { noStore: r.noStore });
        finish(status);
      }, fail).finally(() => {
        this.inflight--;
        metrics.inflight.set(this.inflight);
      });
    });
  }

  private registerWebSocket(): void {
    const { config, engine, metrics } = this.o;
    this.app.ws<WsData>('/v1/diagnosis/stream', {
      maxPayloadLength: config.bodyLimitBytes,
      maxBackpressure: 1024 * 1024,
      closeOnBackpressureLimit: 0,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        const auth = req.getHeader('authorization');
        const protocolKey = req.getHeader('sec-websocket-protocol');
        const key = req.getHeader('sec-websocket-key');
        const ext = req.getHeader('sec-websocket-extensions');
        // browsers cannot set headers on WebSocket: accept the key as ?access_token= too
        const token = new URLSearchParams(req.getQuery() ?? '').get('access_token');
        const state: ResState = { aborted: false, done: false, closeConnection: false };
        res.onAborted(() => { state.aborted = true; });
        if (!this.accepting) { sendError(res, state, new ClosedError('The server')); return; }
        if (!this.authorized(auth || (token ? `Bearer ${token}` : ''))) { sendError(res, state, new UnauthorizedError()); return; }
        res.cork(() => res.upgrade<WsData>({ queue: [], busy: false, closed: false }, key, protocolKey, ext, context));
      },
      open: (ws) => { this.sockets.add(ws); metrics.wsSessions.set(this.sockets.size); },
      close: (ws) => { ws.getUserData().closed = true; this.sockets.delete(ws); metrics.wsSessions.set(this.sockets.size); },
      drain: (ws) => this.flushWs(ws),
      message: (ws, message) => {
        const data = ws.getUserData();
        const text = Buffer.from(message.slice(0)).toString('utf8');
        let req: unknown;
        try { req = JSON.parse(text); } catch { this.wsSend(ws, { type: 'error', ...JSON.parse(errorBody(new InvalidJsonError())) }); return; }
        const check = this.wsCheck;
        if (!check.Check(req)) { const e = new ValidationError(validationDetails(check, req)); this.wsSend(ws, { type: 'error', error: { code: e.code, message: e.message, details: e.details } }); return; }
        if (data.busy) { this.wsSend(ws, { type: 'error', error: { code: 'BUSY', message: 'One diagnosis at a time per connection; wait for final.' } }); return; }
        data.busy = true;
        engine.diagnose(req as S.DiagnosisRequestT, (part) => this.wsSend(ws, part)).then(
          (final) => this.wsSend(ws, { type: 'final', ...final }),
          (err) => { const e = asEdgeDdxError(err); this.wsSend(ws, { type: 'error', error: { code: e.code, message: e.message } }); },
        ).finally(() => { data.busy = false; });
      },
    });
  }

  private readonly wsCheck = compile(S.DiagnosisRequest);

  /** Queues when the socket has backpressure; `drain` flushes in order. */
  private wsSend(ws: WebSocket<WsData>, msg: unknown): void {
    const data = ws.getUserData();
    if (data.closed) return;
    data.queue.push(JSON.stringify(msg));
    this.flushWs(ws);
  }

  private flushWs(ws: WebSocket<WsData>): void {
    const data = ws.getUserData();
    if (data.closed) return;
    ws.cork(() => {
      while (data.queue.length && ws.getBufferedAmount() < 256 * 1024) {
        const status = ws.send(data.queue[0], false);
        if (status === 2) break; // dropped: keep it queued and wait for drain
        data.queue.shift();
      }
    });
  }

  listen(): Promise<number> {
    const { host, port } = this.o.config;
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (sock) => {
        if (!sock) { reject(new Error(`Could not listen on ${host}:${port}`)); return; }
        this.listenSocket = sock;
        this.port = uws.us_socket_local_port(sock);
        resolve(this.port);
      });
    });
  }

  get inflightCount(): number { return this.inflight; }

  /** Stops accepting: the listen socket closes, new responses ask clients to close keep-alive connections. */
  stopAccepting(): void {
    this.accepting = false;
    if (this.listenSocket) { uws.us_listen_socket_close(this.listenSocket); this.listenSocket = null; }
  }

  closeSockets(): void {
    for (const ws of this.sockets) { try { ws.end(1001, 'server shutting down'); } catch { /* already closed */ } }
    this.sockets.clear();
  }
}

interface WsData { queue: string[]; busy: boolean; closed: boolean }
