import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import type { Response } from 'supertest';
import { DatabaseUnavailable } from '../../src/domain/errors.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, loginAs } from '../support/factories.ts';

/**
 * Every HTML error page is an ordinary page of the site: layout, stylesheet, viewport, skip link
 * and a main landmark, text from the locale files, and nothing of the address it was asked for.
 */

let t: TestApp;
const MARKER = 'echo-marker-7f3a';

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

function expectLayoutPage(res: Response, status: number, text: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('private, no-store');
  const html = res.text;
  expect(html).toContain('<link rel="stylesheet" href="/css/app.css">');
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toContain(`<a class="skip-link" href="#main">${t.ctx.i18n.t('nav.skip')}</a>`);
  expect(html).toMatch(/<main id="main">[\s\S]*<h1>/);
  expect(html).toContain(`<h1>${t.ctx.i18n.t(`errors.titles.${status}`)}</h1>`);
  expect(html).toContain(text);
  // The request's address appears nowhere, not even in hreflang alternates.
  expect(html).not.toContain(MARKER);
  expect(html).not.toContain('hreflang');
}

describe('HTML error pages', () => {
  it('404 for an unknown page', async () => {
    const res = await request(t.app).get(`/no-such-page-${MARKER}?q=${MARKER}`);
    expectLayoutPage(res, 404, t.ctx.i18n.t('errors.not_found_text'));
  });

  it('404 for a missing project under the locale prefix', async () => {
    const res = await request(t.app).get(`/en/projects/987654321/passing?${MARKER}=1`);
    expectLayoutPage(res, 404, t.ctx.i18n.t('errors.not_found_text'));
  });

  it('403 for a logged-in non-admin on the admin pages', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const res = await agent.get(`/admin?${MARKER}=1`);
    expectLayoutPage(res, 403, t.ctx.i18n.t('errors.titles.403'));
    // Logged in, the layout shows the user's menu.
    expect(res.text).toContain('action="/logout"');
  });

  it('409 when a badge lookup matches more than one project; JSON keeps its shape', async () => {
    const owner = await createUser(t.ctx);
    const homepage = `https://example.org/${MARKER}`;
    await createProject(t.ctx, owner, { homepageUrl: homepage });
    await createProject(t.ctx, owner, { homepageUrl: homepage });
    const res = await request(t.app).get(`/projects?as=badge&url=${encodeURIComponent(homepage)}`);
    expectLayoutPage(res, 409, t.ctx.i18n.t('errors.http.list_ambiguous'));
    const json = await request(t.app).get(`/projects.json?as=badge&url=${encodeURIComponent(homepage)}`).expect(409);
    expect(json.body).toEqual({ error: 'More than one project matches; use the project id instead.', details: null });
  });

  it('413 for a form body over the size limit', async () => {
    const res = await request(t.app).post(`/login?${MARKER}=1`).type('form').send(`email=${'a'.repeat(300 * 1024)}`);
    expectLayoutPage(res, 413, t.ctx.i18n.t('errors.http.entity_too_large'));
  });

  it('500 hides the cause', async () => {
    const spy = vi.spyOn(t.db.list, 'matchingIds').mockRejectedValueOnce(new Error(`internal detail ${MARKER}`));
    try {
      const res = await request(t.app).get('/projects?as=badge&url=https://example.org/x');
      expectLayoutPage(res, 500, t.ctx.i18n.t('errors.http.internal'));
    } finally {
      spy.mockRestore();
    }
  });

  it('503 while the database is away, with Retry-After', async () => {
    const spy = vi.spyOn(t.db.list, 'matchingIds').mockRejectedValueOnce(new DatabaseUnavailable());
    try {
      const res = await request(t.app).get(`/projects?as=badge&url=https://example.org/${MARKER}`);
      expectLayoutPage(res, 503, t.ctx.i18n.t('errors.unavailable_text'));
      expect(res.headers['retry-after']).toBe('30');
    } finally {
      spy.mockRestore();
    }
  });

  it('JSON errors are unchanged', async () => {
    const res = await request(t.app).get('/projects/987654321.json').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'The project was not found.', details: null });
  });
});

describe('429', () => {
  let limited: TestApp;

  beforeAll(async () => {
    limited = await buildTestApp({ RATE_PAGE_IP_LIMIT: '2' });
  });

  afterAll(async () => {
    await limited.close();
  });

  it('renders in the layout once the page allowance is used up', async () => {
    await request(limited.app).get('/login').expect(200);
    await request(limited.app).get('/login').expect(200);
    const res = await request(limited.app).get(`/login?${MARKER}=1`);
    expectLayoutPage(res, 429, t.ctx.i18n.t('errors.http.rate_limited_requests'));
  });
});

describe('unknown locale prefixes', () => {
  it.each([
    ['/xx/projects', '/en/projects'],
    ['/ru/projects?q=curl', '/en/projects?q=curl'],
    ['/pt-BR/login', '/en/login'],
    // A supported language spelled another way goes to the site's spelling of it.
    ['/zh_cn', '/zh-CN'],
    ['/sw', '/en'],
    ['/ru?q=1', '/en?q=1'],
    ['/ru//example.com', '/en//example.com'],
  ])('redirect %s to the default locale (%s)', async (from, to) => {
    await request(t.app).get(from).expect(302).expect('location', to);
  });

  it('send machine routes to their locale-free address', async () => {
    await request(t.app).get('/ru/projects/1/badge').expect(302).expect('location', '/projects/1/badge');
  });

  it('leave other paths and other methods alone', async () => {
    await request(t.app).get('/english/login').expect(404);
    await request(t.app).get('/abc/login').expect(404);
    // A post is not redirected (the CSRF check refuses it before any route is looked up).
    const post = await request(t.app).post('/xx/login').type('form').send({});
    expect(post.status).toBe(403);
    expect(post.headers.location).toBeUndefined();
  });
});
