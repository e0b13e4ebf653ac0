/**
 * Reads a request body from uWS. uWS hands `onData` chunks as ArrayBuffers that are neutered when the
 * callback returns, so each chunk is copied. A body over the limit is refused as soon as it crosses it (the
 * declared Content-Length is checked first, so a large upload is refused before it is read).
 */
import type { HttpResponse } from 'uWebSockets.js';
import { InvalidJsonError, PayloadTooLargeError } from '../errors.ts';
import type { ResState } from './respond.ts';

export function readBody(res: HttpResponse, state: ResState, limit: number, declaredLength: number | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength !== undefined && declaredLength > limit) {
      // keep reading (and discarding) would waste bandwidth: answer now and close the connection
      state.closeConnection = true;
      reject(new PayloadTooLargeError(limit));
      res.onData(() => {});
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    res.onData((ab, isLast) => {
      if (failed || state.aborted) return;
      size += ab.byteLength;
      if (size > limit) {
        failed = true;
        state.closeConnection = true;
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(Buffer.from(ab.slice(0)));
      if (isLast) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
  });
}

export function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) throw new InvalidJsonError();
  try { return JSON.parse(buf.toString('utf8')); } catch { throw new InvalidJsonError(); }
}
