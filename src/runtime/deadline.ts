/**
 * Deadlines as one timer per promise.
 *
 * `withDeadline(p, ms, what)` settles exactly like `p` if `p` settles first; otherwise it rejects
 * with DeadlineExceededError at `ms` and aborts `controller` (when given) with that same error so
 * the work can stop. The late outcome of `p` is dropped but still observed, so a late rejection
 * is never reported as unhandled. The timer is cleared on settle and unref'd: a pending deadline
 * never keeps the process alive. A non-finite or over-long `ms` means "no deadline" (Node would
 * otherwise fire an overflowing timeout after 1 ms).
 */
import { DeadlineExceededError } from '../errors.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

export function hasDeadline(ms: number): boolean {
  return Number.isFinite(ms) && ms <= MAX_TIMER_MS;
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string, controller?: AbortController): Promise<T> {
  if (!hasDeadline(ms)) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new DeadlineExceededError(what, ms);
      reject(err);
      controller?.abort(err);
    }, Math.max(0, ms));
    timer.unref();
    p.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e); },
    );
  });
}
