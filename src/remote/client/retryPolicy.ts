/** How often and how patiently a request is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** About half a minute of trying before a push gives up (and can be resumed later). */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 7, baseDelayMs: 500, maxDelayMs: 8000 };

/** MLflow's own client retries these; every other status is an answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The wait before attempt `attempt + 1`: exponential with jitter, or what a Retry-After header asks
 * (capped by maxDelayMs, so a server cannot stall a push for long).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  const asked = retryAfter ? Number(retryAfter) * 1000 : NaN;
  if (Number.isFinite(asked) && asked >= 0) return Math.min(asked, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, exponential / 2 + Math.random() * (exponential / 2));
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
