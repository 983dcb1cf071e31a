import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch, FetchError } from '../../src/services/forges/fetch.ts';

/** A local server whose routes exercise each limit of the fetcher. */
let server: Server;
let origin: string;
let hostPort: string;
const seen: { url: string; authorization?: string; userAgent?: string; host?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'], host: req.headers.host });
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/plain', 'x-frame-options': 'DENY' }).end('hello');
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2048' }).end('x'.repeat(2048));
        return;
      case '/big-chunked':
        // No Content-Length: the cap must hold while reading.
        res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
        res.end();
        return;
      case '/fat-headers':
        res.writeHead(200, { 'x-padding': 'p'.repeat(70 * 1024) }).end('x');
        return;
      case '/slow':
        res.writeHead(200);
        res.write('a');
        // Never finishes: the read time-out ends it.
        return;
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/ok' }).end();
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  hostPort = `127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

const allowed = (limits = {}) => createSafeFetch({ allowHosts: [hostPort], userAgent: 'badgeapp-test/1', limits });

describe('safe fetch against a local server', () => {
  it('refuses 127.0.0.1 unless the host:port is allowed, before connecting', async () => {
    const before = seen.length;
    const strict = createSafeFetch({ userAgent: 'badgeapp-test/1' });
    await expect(strict(`${origin}/ok`)).rejects.toMatchObject({ code: 'refused' });
    expect(seen.length).toBe(before);
    const res = await allowed()(`${origin}/ok`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(seen.at(-1)?.userAgent).toBe('badgeapp-test/1');
  });

  it('caps the body by Content-Length and while reading', async () => {
    const fetch = allowed({ maxBodyBytes: 1024 });
    await expect(fetch(`${origin}/big`)).rejects.toMatchObject({ code: 'too_large' });
    await expect(fetch(`${origin}/big-chunked`)).rejects.toMatchObject({ code: 'too_large' });
    await expect(allowed()(`${origin}/big`, { maxBytes: 100 })).rejects.toMatchObject({ code: 'too_large' });
    expect((await allowed()(`${origin}/big`)).body.length).toBe(2048);
  });

  it('refuses headers over 64 KiB', async () => {
    await expect(allowed()(`${origin}/fat-headers`)).rejects.toMatchObject({ code: 'too_large' });
  });

  it('gives up on a silent server after the read time-out and on the total limit', async () => {
    const started = Date.now();
    await expect(allowed({ readTimeoutMs: 200 })(`${origin}/slow`)).rejects.toMatchObject({ code: 'timeout' });
    await expect(allowed({ totalTimeoutMs: 300, readTimeoutMs: 5000 })(`${origin}/slow`)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('follows at most three redirects, each checked again', async () => {
    const res = await allowed()(`${origin}/redirect?to=/redirect%3Fto%3D/ok`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${origin}/ok`);
    await expect(allowed()(`${origin}/loop`)).rejects.toMatchObject({ code: 'redirects' });
    // An allowed host may not redirect to a refused one (another port on the same address).
    await expect(allowed()(`${origin}/redirect?to=${encodeURIComponent('http://127.0.0.1:1/')}`)).rejects.toMatchObject({ code: 'refused' });
    await expect(allowed()(`${origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`)).rejects.toMatchObject({ code: 'refused' });
    await expect(allowed()(`${origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toMatchObject({ code: 'refused' });
  });

  it('drops the Authorization header when a redirect leaves the origin', async () => {
    const fetch = createSafeFetch({ allowHosts: [hostPort, `localhost:${new URL(origin).port}`], userAgent: 'ua', resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
    const target = `http://localhost:${new URL(origin).port}/ok`;
    await fetch(`${origin}/redirect?to=${encodeURIComponent(target)}`, { headers: { Authorization: 'Bearer secret' } });
    const [first, second] = seen.slice(-2);
    expect(first?.authorization).toBe('Bearer secret');
    expect(second?.host).toBe(`localhost:${new URL(origin).port}`);
    expect(second?.authorization).toBeUndefined();
  });

  it('connects to the address it checked: a second DNS answer is never asked for (rebinding)', async () => {
    const answers = ['203.0.113.50', '127.0.0.1'];
    let calls = 0;
    // The first answer is judged (documentation range: refused); a rebinding server would answer
    // 127.0.0.1 to a second lookup made at connect time.
    const fetch = createSafeFetch({ userAgent: 'ua', resolve: () => Promise.resolve([{ address: answers[calls++]!, family: 4 }]) });
    const before = seen.length;
    await expect(fetch(`http://rebind.test:${new URL(origin).port}/ok`)).rejects.toBeInstanceOf(FetchError);
    expect(calls).toBe(1);
    expect(seen.length).toBe(before);
    // With a public first answer the socket goes to that address, never to the second answer.
    calls = 0;
    answers[0] = '192.0.2.1';
    const publicFirst = createSafeFetch({ userAgent: 'ua', limits: { connectTimeoutMs: 300 }, resolve: () => Promise.resolve([{ address: calls++ === 0 ? '8.8.8.8' : '127.0.0.1', family: 4 }]) });
    await expect(publicFirst(`http://rebind.test:${new URL(origin).port}/ok`)).rejects.toBeInstanceOf(FetchError);
    expect(calls).toBe(1);
    expect(seen.length).toBe(before);
  });
});
