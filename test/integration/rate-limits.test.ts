import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createUser, csrfFrom } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ RATE_LOGIN_IP_LIMIT: '4', RATE_LOGIN_EMAIL_LIMIT: '2', RATE_SIGNUP_IP_LIMIT: '2' });
});

afterAll(async () => {
  await t.close();
});

async function attemptLogin(email: string, password: string): Promise<request.Response> {
  const agent = request.agent(t.app);
  const form = await agent.get('/login');
  return agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email, password });
}

describe('login and sign-up throttles', () => {
  it('answers 429 with a clear page once one account has been tried too often, even with the right password', async () => {
    const user = await createUser(t.ctx);
    expect((await attemptLogin(user.email!, 'wrong-1')).status).toBe(401);
    expect((await attemptLogin(user.email!, 'wrong-2')).status).toBe(401);
    const blocked = await attemptLogin(user.email!, DEFAULT_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many attempts');
    expect(blocked.headers['ratelimit-policy']).toBeDefined();
  });

  it('limits attempts per client address across accounts', async () => {
    // Three attempts from this address were counted above (the throttled one too); the limit is 4.
    expect((await attemptLogin('a@example.org', 'whatever1')).status).toBe(401);
    expect((await attemptLogin('b@example.org', 'whatever1')).status).toBe(429);
  });

  it('limits sign-ups per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const agent = request.agent(t.app);
      const form = await agent.get('/signup');
      const res = await agent
        .post('/users')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), name: `N${i}`, email: `signup${i}@example.org`, password: 'a long enough passphrase', password_confirmation: 'a long enough passphrase' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([303, 303, 429]);
    expect(await t.db.users.findLocalByEmail('signup2@example.org')).toBeNull();
  });
});
