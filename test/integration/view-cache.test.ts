import pug from 'pug';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
// Pug keeps compiled templates here when asked to cache (its types do not declare it).
const cache = (pug as unknown as { cache: Record<string, unknown> }).cache;

beforeAll(async () => {
  // Development mode, where templates used to be compiled again on every request.
  t = await buildTestApp({ NODE_ENV: 'development' });
});

afterAll(async () => {
  await t.close();
});

describe('templates', () => {
  it('are compiled once and then served from the cache, in development too', async () => {
    for (const key of Object.keys(cache)) Reflect.deleteProperty(cache, key);
    await request(t.app).get('/login').expect(200);
    const compiled = Object.keys(cache);
    expect(compiled.some((file) => file.endsWith('sessions/new.pug'))).toBe(true);
    const compile = pug.compile;
    let compiledAgain = 0;
    // Any compilation after the first request would go through pug.compile.
    Reflect.set(pug, 'compile', (...args: Parameters<typeof pug.compile>) => {
      compiledAgain += 1;
      return compile(...args);
    });
    try {
      await request(t.app).get('/login').expect(200);
      await request(t.app).get('/login').expect(200);
    } finally {
      Reflect.set(pug, 'compile', compile);
    }
    expect(compiledAgain).toBe(0);
    expect(Object.keys(cache)).toEqual(compiled);
  });
});
