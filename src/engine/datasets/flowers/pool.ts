/**
 * Runs `task(0..count-1)` with at most `limit` in flight. Stops starting new tasks on abort or on
 * the first failure, waits for those in flight, then throws (cancellation as CANCELLED).
 */
import { cancelledError } from '../../../shared/errors';

export async function runPool(count: number, limit: number, task: (index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !failure && !signal?.aborted) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted) throw cancelledError();
}
