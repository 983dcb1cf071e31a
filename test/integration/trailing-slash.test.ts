import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let server: http.Server;

beforeAll(async () => {
  t = await buildTestApp();
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => {
    server.close(resolve);
  });
  await t.close();
});

/**
 * GET with the path exactly as given: supertest parses it as a URL first, which turns "\\" into
 * "/" before it is sent, hiding what a raw client (or a browser quirk) can send.
 */
function rawGet(path: string): Promise<{ status: number; location: string | undefined }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, location: res.headers.location }); });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A Location a browser resolves against this site without leaving it. */
function isLocalPath(location: string): boolean {
  return /^\/(?![/\\])/.test(location) && !/[\\\t\r\n]/.test(location) && new URL(location, 'https://site.example').host === 'site.example';
}

describe('trailing-slash redirect', () => {
  it.each([
    ['/\\evil.example/', '/evil.example'],
    ['/\\evil/', '/evil'],
    ['/\\\\evil/', '/evil'],
    ['/%5Cevil/', '/%5Cevil'],
    ['/%5C%5Cevil/', '/%5C%5Cevil'],
    ['//evil/', '/evil'],
    ['/\\/evil/', '/evil'],
    ['/\\\\evil.example/', '/evil.example'],
    ['///\\evil/', '/evil'],
    ['/projects\\evil/', '/projects%5Cevil'],
    ['/projects/1/?x=1', '/projects/1?x=1'],
  ])('redirects %s to the local path %s', async (path, location) => {
    const res = await rawGet(path);
    expect(res.status).toBe(301);
    expect(res.location).toBe(location);
    expect(isLocalPath(res.location!)).toBe(true);
  });
});

describe('static directories', () => {
  it.each(['/css', '/css/'])('answer %s with one response that does not lead back to itself (no redirect loop)', async (path) => {
    const seen = new Set<string>();
    let current = path;
    for (let hops = 0; hops < 3; hops++) {
      seen.add(current);
      const res = await request(t.app).get(current);
      if (res.status < 300 || res.status >= 400) {
        expect(res.status).toBe(404);
        return;
      }
      current = res.headers.location as string;
      expect(seen.has(current)).toBe(false);
    }
    throw new Error(`still redirecting after 3 hops from ${path}`);
  });

  it('still serves the files inside them', async () => {
    const res = await request(t.app).get('/css/app.css').expect(200);
    expect(res.headers['content-type']).toContain('text/css');
  });
});
