import type { Config } from '../config.ts';

/** Purges cached responses by surrogate key (the keys every CDN-cacheable response carries). */
export interface CdnClient {
  purge(keys: readonly string[]): Promise<void>;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ ok: boolean; status: number }>;

/** The surrogate key of everything public about one project: badge, JSON and anonymous pages. */
export function projectKey(projectId: number): string {
  return `projects/${projectId}`;
}

/**
 * A Fastly-compatible client: one POST per batch with the keys in the Surrogate-Key header
 * (Fastly's "purge multiple surrogate keys"). Any status other than 2xx is an error, so the
 * outbox retries it with back-off.
 */
export function createCdnClient(cdn: NonNullable<Config['cdn']>, fetchImpl: FetchLike = fetch, timeoutMs = 10_000): CdnClient {
  return {
    async purge(keys) {
      if (keys.length === 0) return;
      const res = await fetchImpl(cdn.purgeUrl, {
        method: 'POST',
        headers: { 'Fastly-Key': cdn.apiToken, 'Surrogate-Key': keys.join(' '), Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`CDN purge answered HTTP ${res.status}`);
    },
  };
}
