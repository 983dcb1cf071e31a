import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { InvalidText } from '../../src/domain/errors.ts';
import { errorHandler } from '../../src/http/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { initialScoreState, scoreChanges } from '../../src/services/project-scores.ts';
import { computeScores } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createUser, csrfFrom } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function login(email: string, password = 'whatever it is'): Promise<request.Response> {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').expect(200);
  // A raw body, so the NUL reaches the server exactly as an attacker sends it.
  return agent
    .post('/login')
    .type('form')
    .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&email=${email}&password=${encodeURIComponent(password)}`);
}

describe('POST /login with text no address can hold', () => {
  it.each(['a%00@example.org', '%00', 'a%01b@example.org', 'a@example.org%00'])('answers %s like an unknown address (401), never 500', async (email) => {
    const res = await login(email);
    expect(res.status).toBe(401);
    expect(res.text).toContain('The email address or password is not correct.');
  });

  it('still logs in a real account afterwards', async () => {
    const user = await createUser(t.ctx);
    const res = await login(encodeURIComponent(user.email!), 'correct horse battery staple');
    expect(res.status).toBe(303);
  });
});

describe('text PostgreSQL refuses (SQLSTATE 22021 / 22P05)', () => {
  it('reaches the services as InvalidText from the store, for columns and for JSONB', async () => {
    const owner = await createUser(t.ctx);
    const scores = scoreChanges(t.ctx.criteria, computeScores(t.ctx.criteria, {}, initialScoreState(t.ctx.criteria), t.ctx.now()));
    await expect(t.db.projects.create({ userId: owner.id, name: 'a\u0000b', repoUrl: null, homepageUrl: null, ...scores })).rejects.toBeInstanceOf(InvalidText);
    const before = await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM projects');
    expect(before.rows[0]!.n).toBe(0);
    // A NUL escaped inside JSON is valid JSON but not valid JSONB text (22P05).
    await expect(t.db.pool.query(`SELECT '{"a":"\\u0000"}'::jsonb`)).rejects.toMatchObject({ code: '22P05' });
  });

  it('is answered 422 by the error handler, with the text from locales', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.locals.t = (key: string) => key;
      next();
    });
    app.get('/thing.json', () => {
      throw new InvalidText();
    });
    app.use(errorHandler(createLogger('silent')));
    const json = await request(app).get('/thing.json').expect(422);
    expect(json.body).toEqual({ error: 'errors.http.invalid_text', details: null });
  });
});
