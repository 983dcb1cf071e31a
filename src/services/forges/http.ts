import type { RepoEntry } from '../../domain/automation.ts';
import type { SafeFetch, SafeFetchInit } from './fetch.ts';

/**
 * What the three forge clients share: JSON and raw reads that answer null instead of throwing
 * (404, rate limits, refused addresses, time-outs, oversized or malformed answers), and a
 * per-run memo so detectives asking for the same listing or file cost one request.
 */
export interface ForgeHttp {
  json(url: string): Promise<unknown>;
  /** The body as UTF-8 text when the answer is 200 and at most maxBytes long. */
  text(url: string, maxBytes: number, headers?: Record<string, string>): Promise<string | null>;
  /** Response headers of a HEAD request (GitLab reports file sizes this way). */
  head(url: string): Promise<Record<string, string> | null>;
}

/** Largest JSON answer read from a forge API (a listing of a big directory). */
const MAX_JSON_BYTES = 1024 * 1024;

export function forgeHttp(fetch: SafeFetch, headers: Record<string, string>): ForgeHttp {
  const memo = new Map<string, Promise<unknown>>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let hit = memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load().catch(() => null as T);
      memo.set(key, hit);
    }
    return hit;
  };
  const get = async (url: string, init: SafeFetchInit) => {
    const res = await fetch(url, { ...init, headers: { ...headers, ...init.headers } });
    return res.status === 200 ? res : null;
  };
  return {
    json: (url) =>
      cached(`json ${url}`, async () => {
        const res = await get(url, { maxBytes: MAX_JSON_BYTES, headers: { accept: 'application/json' } });
        return res ? (JSON.parse(res.body.toString('utf8')) as unknown) : null;
      }),
    text: (url, maxBytes, extra = {}) =>
      cached(`text ${maxBytes} ${url}`, async () => {
        const res = await get(url, { maxBytes, headers: extra });
        // The cap is checked again on what arrived, whatever Content-Length claimed.
        if (!res || res.body.length > maxBytes) return null;
        return res.body.toString('utf8');
      }),
    head: (url) =>
      cached(`head ${url}`, async () => {
        const res = await get(url, { method: 'HEAD' });
        return res ? res.headers : null;
      }),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Language names by share (bytes or percent), largest first. */
export function languagesOf(value: unknown): string[] | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number');
  return entries.sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/** A repository-relative path with each segment URL-encoded (slashes kept). */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

/** Entries in listing order with the path the caller asked about as their parent. */
export function entry(name: string, path: string, type: RepoEntry['type'], size: number, htmlUrl: string): RepoEntry {
  return { name, path, type, size: Number.isFinite(size) && size > 0 ? size : 0, htmlUrl };
}
