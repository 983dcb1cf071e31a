import bcrypt from 'bcrypt';
import type express from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { StoredAnswers, User } from '../../src/db/types.ts';
import { initialScoreState, scoreChanges } from '../../src/services/project-scores.ts';
import { computeScores } from '../../src/services/scoring/index.ts';
import type { ServiceContext as AppContext } from '../../src/services/context.ts';

let sequence = 0;
const next = () => ++sequence;

export const DEFAULT_PASSWORD = 'correct horse battery staple';

export async function createUser(ctx: AppContext, overrides: { name?: string; email?: string; role?: string | null; password?: string } = {}): Promise<User> {
  const n = next();
  return ctx.db.users.createLocal({
    name: overrides.name ?? `User ${n}`,
    email: overrides.email ?? `user${n}-${process.pid}@example.org`,
    passwordDigest: await bcrypt.hash(overrides.password ?? DEFAULT_PASSWORD, 4),
    role: overrides.role ?? null,
    activated: true,
  });
}

export async function createProject(
  ctx: AppContext,
  owner: User,
  overrides: { name?: string; repoUrl?: string | null; homepageUrl?: string | null; answers?: StoredAnswers } = {},
) {
  const n = next();
  const scores = computeScores(ctx.criteria, overrides.answers ?? {}, initialScoreState(ctx.criteria), ctx.now());
  const created = await ctx.db.projects.create({
    userId: owner.id,
    name: overrides.name ?? `Project ${n}`,
    repoUrl: overrides.repoUrl === undefined ? `https://github.com/example/project-${n}-${process.pid}` : overrides.repoUrl,
    homepageUrl: overrides.homepageUrl === undefined ? null : overrides.homepageUrl,
    ...scoreChanges(ctx.criteria, scores),
  });
  const project = await ctx.db.projects.findById(created.id);
  if (!project) throw new Error('project vanished');
  return project;
}

/** Reads the CSRF token out of a rendered form. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in page');
  return match[1]!;
}

/** A supertest agent (keeps cookies) logged in as the user. */
export async function loginAs(app: express.Express, user: User, password = DEFAULT_PASSWORD): Promise<TestAgent> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: user.email ?? '', password })
    .expect(303);
  return agent;
}

/** CSRF token for the agent's session, taken from a page that has a form. */
export async function csrfFor(agent: TestAgent, path = '/projects/new'): Promise<string> {
  const page = await agent.get(path).expect(200);
  return csrfFrom(page.text);
}
