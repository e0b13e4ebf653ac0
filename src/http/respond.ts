/**
 * Writing responses on uWS. Every write goes through `send`, which checks the abort flag (no write after
 * abort), corks the socket (one syscall for status, headers and body) and adds the security headers.
 * Errors are rendered from the error registry only, so no message built from request data can reach a client.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { EdgeDdxError, OverloadedError, asEdgeDdxError } from '../errors.ts';

export interface ResState { aborted: boolean; done: boolean; closeConnection: boolean }

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 400: '400 Bad Request', 401: '401 Unauthorized', 404: '404 Not Found',
  405: '405 Method Not Allowed', 409: '409 Conflict', 413: '413 Payload Too Large', 415: '415 Unsupported Media Type',
  422: '422 Unprocessable Entity', 500: '500 Internal Server Error', 503: '503 Service Unavailable', 504: '504 Gateway Timeout',
};

const COMMON_HEADERS: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

export interface SendOptions { contentType?: string; noStore?: boolean; headers?: [string, string][] }

export function send(res: HttpResponse, state: ResState, status: number, body: string, opts: SendOptions = {}): boolean {
  if (state.aborted || state.done) return false;
  state.done = true;
  res.cork(() => {
    res.writeStatus(STATUS_TEXT[status] ?? `${status}`);
    res.writeHeader('Content-Type', opts.contentType ?? 'application/json; charset=utf-8');
    for (const [k, v] of COMMON_HEADERS) res.writeHeader(k, v);
    if (opts.contentType?.startsWith('text/html')) res.writeHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'");
    res.writeHeader('Cache-Control', opts.noStore ? 'no-store' : 'no-cache');
    for (const [k, v] of opts.headers ?? []) res.writeHeader(k, v);
    if (state.closeConnection) res.writeHeader('Connection', 'close');
    res.end(body, state.closeConnection);
  });
  return true;
}

export function sendJson(res: HttpResponse, state: ResState, status: number, body: unknown, opts: SendOptions = {}): boolean {
  return send(res, state, status, JSON.stringify(body), opts);
}

export function errorBody(e: EdgeDdxError): string {
  return JSON.stringify({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
}

export function sendError(res: HttpResponse, state: ResState, err: unknown): EdgeDdxError {
  const e = asEdgeDdxError(err);
  const headers: [string, string][] = [];
  if (e instanceof OverloadedError) headers.push(['Retry-After', String(e.retryAfterS)]);
  else if (e.status === 503) headers.push(['Retry-After', '1']);
  send(res, state, e.status, errorBody(e), { noStore: true, headers });
  return e;
}
