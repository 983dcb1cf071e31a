import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PurgeRequest {
  path: string;
  keys: string[];
  token: string | undefined;
}

/**
 * A Fastly-compatible purge endpoint on 127.0.0.1 that records every purge it is asked for.
 * `failNext(n)` makes the next n requests answer 503, to exercise retries.
 */
export async function startFakeCdn(): Promise<{ url: string; purges: PurgeRequest[]; keys(): string[]; failNext(n: number): void; close(): Promise<void> }> {
  const purges: PurgeRequest[] = [];
  let failures = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"msg":"unavailable"}');
        return;
      }
      const header = req.headers['surrogate-key'];
      const keys = typeof header === 'string' ? header.split(' ').filter(Boolean) : [];
      purges.push({ path: req.url ?? '', keys, token: req.headers['fastly-key'] as string | undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/service/test-service/purge`,
    purges,
    keys: () => purges.flatMap((p) => p.keys),
    failNext(n) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
