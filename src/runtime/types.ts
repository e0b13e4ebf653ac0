/**
 * The contract between the Supervisor and what it supervises (actors, worker pools, anything with
 * the same shape). Deadlines are absolute `performance.now()` milliseconds: monotonic, so a wall
 * clock step never expires or extends a request; compare with `performance.now()`, not Date.now().
 */

export interface CallContext {
  /** Aborted when the deadline passes or the caller gives up; the child should stop work it has not started. */
  signal: AbortSignal;
  /** Absolute time (performance.now() ms) after which the caller no longer wants the answer. */
  deadline: number;
}

export interface Supervisable<Req = unknown, Res = unknown> {
  call(msg: Req, ctx: CallContext): Promise<Res>;
  /** Graceful: refuse new work, finish what was accepted, bounded by `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
  /** Now: reject everything pending and release resources. */
  destroy(): Promise<void>;
  /** In-place recovery (a pool recreates its threads); accepted work is kept. */
  restart?(): Promise<void>;
  /** The child tells its supervisor it cannot heal itself; returns an unsubscribe function. */
  onBroken?(listener: (reason: unknown) => void): () => void;
}
