import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;
let projectId = 0;

beforeAll(async () => {
  t = await buildTestApp();
  projectId = (await createProject(t.ctx, await createUser(t.ctx))).id;
});

afterAll(async () => {
  await t.close();
});

describe('Referrer-Policy and Cross-Origin-Resource-Policy', () => {
  it.each(['/', '/en', '/login', '/signup', '/projects', '/projects/:id', '/projects/:id/passing', '/css/app.css', '/no-such-page'])(
    '%s is same-origin and sends strict-origin-when-cross-origin',
    async (pattern) => {
      const res = await request(t.app).get(pattern.replace(':id', String(projectId)));
      expect(res.status).toBeLessThan(500);
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    },
  );

  it.each(['/projects.json', '/projects/:id.json', '/projects/:id/badge', '/projects/:id/badge.svg', '/projects/:id/badge.json', '/badge_static/passing', '/openapi.json'])(
    '%s, a public resource other sites embed, is cross-origin',
    async (pattern) => {
      const res = await request(t.app).get(pattern.replace(':id', String(projectId))).expect(200);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    },
  );

  it('keeps same-origin on writes and on the HTML form of a public path', async () => {
    const preflight = await request(t.app).options('/projects.json').set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'GET').expect(204);
    expect(preflight.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const post = await request(t.app).post(`/projects/${projectId}/passing/edit`).type('form').send({});
    expect(post.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('sends no-referrer on pages whose URL holds a token', async () => {
    const res = await request(t.app).get(`/password_resets/${'a'.repeat(43)}`).expect(404);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
