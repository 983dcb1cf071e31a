import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isRefusedAddress } from './addresses.ts';

/**
 * The one outbound HTTP client of automation (forge APIs, site headers). A URL from a project
 * entry is attacker-chosen, so every hop is checked before a connection is made: only http and
 * https, no credentials in the URL, the host resolved here and every resolved address judged by
 * `isRefusedAddress`, and the socket connected to the address that was judged (the `lookup`
 * hook), so a second DNS answer (rebinding) cannot swap in an internal address. Named hosts
 * (`host:port` in FETCH_ALLOW_HOSTS) skip the address check: on-premise forges and test fakes.
 */

export type FetchErrorCode = 'refused' | 'timeout' | 'too_large' | 'redirects' | 'network';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly code: FetchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface FetchLimits {
  connectTimeoutMs: number;
  /** Longest silence on an open connection. */
  readTimeoutMs: number;
  /** The whole fetch, redirects included. */
  totalTimeoutMs: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: Readonly<FetchLimits> = Object.freeze({
  connectTimeoutMs: 5_000,
  readTimeoutMs: 5_000,
  totalTimeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxRedirects: 3,
});

export interface SafeFetchOptions {
  /** Lower-case `host:port` pairs exempt from the address check. */
  allowHosts?: Iterable<string>;
  userAgent: string;
  limits?: Partial<FetchLimits>;
  /** DNS resolution (tests substitute an answer that changes between calls). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export interface SafeFetchInit {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Cap for this response's body, at most the client's maxBodyBytes. */
  maxBytes?: number;
  /** Header names (lower-case) that must not follow a redirect to another origin. */
  secretHeaders?: readonly string[];
  /** Answer once the headers are in and drop the body (a site's security headers). */
  headersOnly?: boolean;
}

export interface SafeResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export type SafeFetch = (url: string, init?: SafeFetchInit) => Promise<SafeResponse>;

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

function defaultResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses);
    });
  });
}

/** `host:port` as FETCH_ALLOW_HOSTS names it (IPv6 literals without brackets are accepted too). */
export function hostKey(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || DEFAULT_PORT[url.protocol] || ''}`;
}

/**
 * Refuses a URL before any connection: scheme, embedded credentials, and the addresses its host
 * resolves to (every one of them must be public). Answers the address to connect to.
 */
export async function checkUrl(url: URL, allowHosts: ReadonlySet<string>, resolve: (hostname: string) => Promise<LookupAddress[]>): Promise<LookupAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError('refused', `scheme ${url.protocol} is not fetched`);
  if (url.username || url.password) throw new FetchError('refused', 'URLs with credentials are not fetched');
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(literal);
  let addresses: LookupAddress[];
  if (family !== 0) {
    addresses = [{ address: literal, family }];
  } else {
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new FetchError('network', `cannot resolve ${url.hostname}`);
    }
  }
  if (addresses.length === 0) throw new FetchError('network', `no address for ${url.hostname}`);
  if (!allowHosts.has(hostKey(url)) && addresses.some((a) => isRefusedAddress(a.address))) {
    throw new FetchError('refused', `${url.hostname} resolves to an address that is not public`);
  }
  return addresses[0]!;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function once(target: LookupAddress, init: { method: string; headers: Record<string, string>; headersOnly: boolean }, url: URL, limits: FetchLimits, maxBytes: number, signal: AbortSignal): Promise<SafeResponse> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: init.method,
      headers: init.headers,
      maxHeaderSize: limits.maxHeaderBytes,
      signal,
      // No pooled sockets: each request connects to the address checked for it.
      agent: false,
      // Connect to the address that was checked, whatever DNS would answer now.
      lookup: ((_host: string, options: { all?: boolean }, callback: LookupCallback) => {
        if (options.all) callback(null, [target]);
        else callback(null, target.address, target.family);
      }),
    });
    const connectTimer = setTimeout(() => {
      req.destroy(new FetchError('timeout', 'connect timeout'));
    }, limits.connectTimeoutMs);
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        clearTimeout(connectTimer);
      });
      socket.once('secureConnect', () => {
        clearTimeout(connectTimer);
      });
      // Keep-alive sockets from the global agent are already connected.
      if (!socket.connecting) clearTimeout(connectTimer);
    });
    req.setTimeout(limits.readTimeoutMs, () => {
      req.destroy(new FetchError('timeout', 'read timeout'));
    });
    const fail = (err: unknown) => {
      clearTimeout(connectTimer);
      if (err instanceof FetchError) reject(err);
      else if (signal.aborted) reject(new FetchError('timeout', 'total time limit'));
      else if ((err as { code?: string }).code === 'HPE_HEADER_OVERFLOW') reject(new FetchError('too_large', 'response headers too large'));
      else reject(new FetchError('network', err instanceof Error ? err.message : String(err)));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      const headersOf = () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        return headers;
      };
      if (init.headersOnly) {
        resolve({ url: url.href, status: res.statusCode ?? 0, headers: headersOf(), body: Buffer.alloc(0) });
        res.destroy();
        req.destroy();
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes && init.method !== 'HEAD') {
        res.destroy();
        req.destroy();
        reject(new FetchError('too_large', `response of ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          tooLarge = true;
          reject(new FetchError('too_large', `response over ${maxBytes} bytes`));
          res.destroy();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (tooLarge) return;
        resolve({ url: url.href, status: res.statusCode ?? 0, headers: headersOf(), body: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}

export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...options.limits };
  const allowHosts = new Set([...(options.allowHosts ?? [])].map((h) => h.trim().toLowerCase()).filter(Boolean));
  const resolve = options.resolve ?? defaultResolve;
  return async (input, init = {}) => {
    const method = init.method ?? 'GET';
    const maxBytes = Math.min(init.maxBytes ?? limits.maxBodyBytes, limits.maxBodyBytes);
    const secret = new Set((init.secretHeaders ?? ['authorization', 'private-token']).map((h) => h.toLowerCase()));
    let headers: Record<string, string> = { 'user-agent': options.userAgent, accept: '*/*', ...lowerKeys(init.headers ?? {}) };
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new FetchError('refused', 'not a URL');
    }
    const signal = AbortSignal.timeout(limits.totalTimeoutMs);
    for (let hop = 0; ; hop++) {
      const target = await checkUrl(url, allowHosts, resolve);
      if (signal.aborted) throw new FetchError('timeout', 'total time limit');
      const res = await once(target, { method, headers, headersOnly: init.headersOnly ?? false }, url, limits, maxBytes, signal);
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      if (hop >= limits.maxRedirects) throw new FetchError('redirects', `more than ${limits.maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new FetchError('refused', 'redirect to something that is not a URL');
      }
      // A token meant for the forge must not travel to wherever it redirects.
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !secret.has(name)));
      url = next;
    }
  };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
