/**
 * Context: Go's `context.Context`, reduced to what HTTP servers use: cancellation (an `AbortSignal`), the
 * error that ended it, deadlines and request-scoped values.
 * @module
 */

import { NetHTTPError } from './errors';

/** Canceled is the error of a context that was cancelled (Go's `context.Canceled`). */
export const Canceled = Object.freeze(new NetHTTPError('Canceled', 'context canceled')) as NetHTTPError;
/** DeadlineExceeded is the error of a context whose deadline passed (Go's `context.DeadlineExceeded`). */
export const DeadlineExceeded = Object.freeze(new NetHTTPError('DeadlineExceeded', 'context deadline exceeded')) as NetHTTPError;

/**
 * Context carries a cancellation signal, a deadline and values across API boundaries.
 * A request's context ({@link Request.context}) is cancelled when the client goes away or the handler returns.
 */
export interface Context {
  /** Aborted when the context is done; `signal.reason` is {@link Context.err}. Pass it to `fetch`, timers, streams. */
  readonly signal: AbortSignal;
  /** null while the context is live; afterwards {@link Canceled}, {@link DeadlineExceeded} or the cause given. */
  err(): Error | null;
  /** The deadline as milliseconds since the epoch, or undefined when there is none. */
  deadline(): number | undefined;
  /** The value stored under `key` by {@link withValue} in this context or an ancestor, else undefined. */
  value(key: unknown): unknown;
  /** A promise that resolves (never rejects) when the context is done. */
  done(): Promise<void>;
}

/** CancelFunc cancels its context; calling it again does nothing. */
export type CancelFunc = (cause?: Error) => void;

class BaseContext implements Context {
  readonly signal: AbortSignal;
  protected readonly parent: Context | null;
  protected readonly ctl: AbortController | null;
  protected dl: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private donePromise: Promise<void> | undefined;
  private unlink: (() => void) | undefined;

  constructor(parent: Context | null, cancellable: boolean) {
    this.parent = parent;
    this.dl = parent?.deadline();
    if (!cancellable && parent) {
      this.ctl = null;
      this.signal = parent.signal;
      return;
    }
    this.ctl = new AbortController();
    this.signal = this.ctl.signal;
    if (parent) {
      const ps = parent.signal;
      if (ps.aborted) {
        this.ctl.abort(ps.reason);
      } else {
        const onAbort = (): void => this.cancel(ps.reason as Error);
        ps.addEventListener('abort', onAbort, { once: true });
        this.unlink = () => ps.removeEventListener('abort', onAbort);
      }
    }
  }

  err(): Error | null {
    return this.signal.aborted ? (this.signal.reason as Error) : null;
  }
  deadline(): number | undefined {
    return this.dl;
  }
  value(key: unknown): unknown {
    return this.parent ? this.parent.value(key) : undefined;
  }
  done(): Promise<void> {
    if (this.donePromise) return this.donePromise;
    const s = this.signal;
    this.donePromise = s.aborted
      ? Promise.resolve()
      : new Promise<void>((resolve) => s.addEventListener('abort', () => resolve(), { once: true }));
    return this.donePromise;
  }

  /** @internal */
  cancel(cause: Error = Canceled): void {
    if (!this.ctl || this.ctl.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.unlink?.();
    this.ctl.abort(cause);
  }

  /** @internal */
  setDeadline(at: number): void {
    if (this.dl !== undefined && this.dl <= at) return;
    this.dl = at;
    const ms = at - Date.now();
    if (ms <= 0) {
      this.cancel(DeadlineExceeded);
      return;
    }
    this.timer = setTimeout(() => this.cancel(DeadlineExceeded), ms);
    this.timer.unref?.();
  }
}

class ValueContext extends BaseContext {
  constructor(parent: Context, private readonly key: unknown, private readonly val: unknown) {
    super(parent, false);
  }
  override value(key: unknown): unknown {
    return key === this.key ? this.val : super.value(key);
  }
}

const bg: Context = new BaseContext(null, true);

/** background returns the root context: never cancelled, no values, no deadline (Go's `context.Background`). */
export function background(): Context {
  return bg;
}

/** withCancel returns a child of `parent` and a function that cancels it (Go's `context.WithCancel`). */
export function withCancel(parent: Context): [Context, CancelFunc] {
  const c = new BaseContext(parent, true);
  return [c, (cause?: Error) => c.cancel(cause ?? Canceled)];
}

/** withDeadline returns a child cancelled with {@link DeadlineExceeded} at `at` (ms since the epoch). */
export function withDeadline(parent: Context, at: number): [Context, CancelFunc] {
  const c = new BaseContext(parent, true);
  c.setDeadline(at);
  return [c, (cause?: Error) => c.cancel(cause ?? Canceled)];
}

/** withTimeout is withDeadline(parent, Date.now() + ms). */
export function withTimeout(parent: Context, ms: number): [Context, CancelFunc] {
  return withDeadline(parent, Date.now() + ms);
}

/** withValue returns a child of `parent` in which `value(key)` is `val` (Go's `context.WithValue`). */
export function withValue(parent: Context, key: unknown, val: unknown): Context {
  return new ValueContext(parent, key, val);
}
