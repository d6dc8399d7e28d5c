import { RemoteUnavailableError, type MlflowRestClient } from './mlflowRestClient';
import { retryDelay, sleep } from './retryPolicy';

/**
 * Creates something on the server exactly once, although replies get lost: before each attempt it
 * looks for what an earlier attempt may have created (by a tag that names the local entity), and
 * the create request itself is never retried blindly. Transient failures are retried as the
 * client's policy says.
 */
export async function createOnce<T>(client: MlflowRestClient, find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const found = await find();
    if (found !== undefined) return found;
    try {
      return await create();
    } catch (error) {
      if (!RemoteUnavailableError.is(error) || attempt >= client.retry.maxAttempts) throw error;
      await sleep(retryDelay(client.retry, attempt), client.signal);
    }
  }
}
