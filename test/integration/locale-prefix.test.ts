import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('/<locale> prefixes', () => {
  it('serve every HTML page under the locale prefix, with hreflang alternates', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const prefixed = await request(t.app).get(`/en/projects/${project.id}/passing`).expect(200);
    const plain = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    // The same page; only its local links carry the prefix the visitor chose.
    const withoutSwitcher = (html: string) => html.replace(/<nav class="language-switcher"[\s\S]*?<\/nav>/, '');
    expect(withoutSwitcher(prefixed.text).replaceAll('href="/en/', 'href="/').replace('href="/en"', 'href="/"')).toBe(withoutSwitcher(plain.text));
    for (const locale of ['en', 'de', 'fr', 'es', 'ja', 'zh-CN']) {
      expect(plain.text).toContain(`<link rel="alternate" hreflang="${locale}" href="http://localhost:3000/${locale}/projects/${project.id}/passing">`);
    }
    expect(plain.text).toContain(`<link rel="alternate" hreflang="en" href="http://localhost:3000/en/projects/${project.id}/passing">`);
    expect(plain.text).toContain(`<link rel="alternate" hreflang="x-default" href="http://localhost:3000/projects/${project.id}/passing">`);
    await request(t.app).get('/en').expect(200);
    await request(t.app).get('/en/login').expect(200);
  });

  it('turn ?locale= into the prefixed address, keeping the rest of the query; ignore unknown or repeated values', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await request(t.app).get(`/projects/${project.id}/passing?locale=fr`).expect(302).expect('location', `/fr/projects/${project.id}/passing`);
    await request(t.app).get('/projects?q=demo&locale=zh-cn&page=2').expect(302).expect('location', '/zh-CN/projects?q=demo&page=2');
    await request(t.app).get('/?locale=de').expect(302).expect('location', '/de');
    // The prefix wins over the parameter; machine routes and unknown languages are left alone.
    await request(t.app).get('/ja/login?locale=fr').expect(200);
    await request(t.app).get(`/projects/${project.id}.json?locale=fr`).expect(200);
    await request(t.app).get('/login?locale=xx').expect(200);
    await request(t.app).get('/login?locale=de&locale=fr').expect(200);
  });

  it('send machine routes to their locale-free address', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await request(t.app).get(`/en/projects/${project.id}.json`).expect(301).expect('location', `/projects/${project.id}.json`);
    await request(t.app).get(`/en/projects/${project.id}/badge`).expect(301).expect('location', `/projects/${project.id}/badge`);
  });

  it('send unknown locales to the default one; other first segments stay ordinary (missing) paths', async () => {
    await request(t.app).get('/xx/login').expect(302).expect('location', '/en/login');
    // A language the site has, spelled another way, goes to the site's own spelling.
    await request(t.app).get('/zh-cn/login').expect(302).expect('location', '/zh-CN/login');
    await request(t.app).get('/de-AT/projects').expect(302).expect('location', '/de/projects');
    await request(t.app).get('/english/login').expect(404);
  });
});

describe('GET /', () => {
  it('redirects to the best supported language without creating a session', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'de-DE, en;q=0.8').expect(302);
    expect(res.headers.location).toBe('/de');
    expect(res.headers.vary).toContain('Accept-Language');
    expect(res.headers['set-cookie']).toBeUndefined();
    await request(t.app).get('/').expect(302).expect('location', '/en');
  });
});
