/**
 * `fn` run at most once at a time and, once it succeeds, never again: concurrent callers share one
 * call, and a failure is not cached, so the next caller tries again.
 */
export function onceSuccessful<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= fn().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}
