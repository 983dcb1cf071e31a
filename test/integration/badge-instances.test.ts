import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { until } from '../support/poll.ts';

/**
 * Two instances on one database: A in this process, B a real server process (src/server.ts). A
 * badge B has cached must change as soon as A commits a change, through LISTEN/NOTIFY.
 */
let a: TestApp;
let b: ServerProcess;

beforeAll(async () => {
  a = await buildTestApp();
  b = await startServerProcess({ DATABASE_URL: a.ctx.config.databaseUrl! });
  // B caches only while it hears notices; it says so once it does.
  await until(() => b.output().includes('badge cache: listening for badge changes'), 30_000);
}, 120_000);

afterAll(async () => {
  await b.stop();
  await a.close();
});

interface BadgeJson {
  name: string;
  badge_level: string;
  tiered_percentage: number;
}

async function badgeOnB(id: number): Promise<BadgeJson> {
  const res = await fetch(`${b.url}/projects/${id}/badge.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as BadgeJson;
}

function allPassing(): Record<string, string> {
  const form: Record<string, string> = {};
  for (const c of a.ctx.criteria.level('passing')!.criteria) {
    form[`${c.id}_status`] = 'Met';
    form[`${c.id}_justification`] = `See https://example.org/evidence/${c.id} for details.`;
  }
  return form;
}

describe('a save on one instance', () => {
  it("changes the other instance's cached badge at once", async () => {
    const owner = await createUser(a.ctx);
    const project = await createProject(a.ctx, owner, { name: 'Shared' });
    expect(await badgeOnB(project.id)).toMatchObject({ name: 'Shared', badge_level: 'in_progress' });
    // Proof that B answers from memory: a change behind its back (no notice) is not seen.
    await a.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['Renamed quietly', project.id]);
    expect(await badgeOnB(project.id)).toMatchObject({ name: 'Shared' });

    const agent = await loginAs(a.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`);
    await agent.post(`/projects/${project.id}/passing/edit`).type('form').send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'exit', ...allPassing() }).expect(303);

    const seen = await until(async () => {
      const badge = await badgeOnB(project.id);
      return badge.badge_level === 'passing' ? badge : null;
    });
    expect(seen).toMatchObject({ name: 'Renamed quietly', badge_level: 'passing' });
    const svg = await (await fetch(`${b.url}/projects/${project.id}/badge`)).text();
    expect(svg).toContain('<title>openssf best practices: passing</title>');
    // A answers the same.
    expect((await request(a.app).get(`/projects/${project.id}/badge.json`)).body).toMatchObject({ badge_level: 'passing' });
  });

  it("changes the other instance's cached baseline badge, image and JSON", async () => {
    const owner = await createUser(a.ctx);
    const project = await createProject(a.ctx, owner, { name: 'Baseline shared' });
    const baselineOnB = async () => {
      const res = await fetch(`${b.url}/projects/${project.id}/baseline.json`);
      expect(res.status).toBe(200);
      return (await res.json()) as { badge_level: string; badge_percentage: number | null };
    };
    expect(await baselineOnB()).toMatchObject({ badge_level: 'baseline-pct-0', badge_percentage: 0 });
    const before = await (await fetch(`${b.url}/projects/${project.id}/baseline`)).text();
    expect(before).toContain('in progress 0%');

    const agent = await loginAs(a.app, owner);
    const page = await agent.get(`/projects/${project.id}/baseline-1/edit`);
    const form: Record<string, string> = {};
    for (const c of a.ctx.criteria.level('baseline-1')!.criteria) form[`${c.id}_status`] = 'Met';
    await agent.post(`/projects/${project.id}/baseline-1/edit`).type('form').send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'exit', ...form }).expect(303);

    await until(async () => (await baselineOnB()).badge_level === 'baseline-1');
    expect(await baselineOnB()).toMatchObject({ badge_percentage: 100 });
    const svg = await (await fetch(`${b.url}/projects/${project.id}/baseline`)).text();
    expect(svg).toContain('<title>openssf baseline v2026.02.19: 1</title>');
    expect(svg).toContain('fill="#007ec6"');
  });

  it("removes a deleted project from the other instance's cache", async () => {
    const owner = await createUser(a.ctx);
    const project = await createProject(a.ctx, owner);
    await badgeOnB(project.id);
    const agent = await loginAs(a.app, owner);
    const page = await agent.get(`/projects/${project.id}/delete`);
    await agent
      .post(`/projects/${project.id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), deletion_rationale: 'Registered twice by mistake; the other entry is the real one.' })
      .expect(303);
    await fetch(`${b.url}/projects/${project.id}/baseline`);
    await until(async () => (await fetch(`${b.url}/projects/${project.id}/badge`)).status === 404);
    expect((await fetch(`${b.url}/projects/${project.id}/baseline`)).status).toBe(404);
  });
});
