import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { ProjectWithOwner, User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, loginAs } from '../support/factories.ts';

/**
 * "My projects": the account page, the signed-in home page and the /account/projects page list
 * the projects a user owns or collaborates on; the project list filters by owner with user_id.
 */

let t: TestApp;
let me: User;
let other: User;
let mine: ProjectWithOwner;
let mineToo: ProjectWithOwner;
let shared: ProjectWithOwner;
let othersOnly: ProjectWithOwner;
let deleted: ProjectWithOwner;
let agent: TestAgent;

type Row = Record<string, unknown>;
const ids = (res: request.Response) => (res.body as Row[]).map((r) => r.id as number);

/** The text of the my-projects section, so the rest of the page (recent projects) cannot match. */
function section(html: string): string {
  const start = html.indexOf('class="my-projects"');
  expect(start, 'my-projects section').toBeGreaterThan(-1);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

/** Each listed item as "id role", in page order. */
function items(html: string): string[] {
  const found: string[] = [];
  const re = /<li class="my-projects-item">.*?href="(?:\/en)?\/projects\/(\d+)".*?<span class="my-projects-role">([^<]*)<\/span>/gs;
  for (const m of section(html).matchAll(re)) found.push(`${m[1]} ${m[2]}`);
  return found;
}

beforeAll(async () => {
  t = await buildTestApp();
  me = await createUser(t.ctx, { name: 'Mina Mine' });
  other = await createUser(t.ctx, { name: 'Otto Other' });
  mine = await createProject(t.ctx, me, { name: 'Mine One' });
  mineToo = await createProject(t.ctx, me, { name: 'Mine Two' });
  shared = await createProject(t.ctx, other, { name: 'Shared With Me' });
  othersOnly = await createProject(t.ctx, other, { name: 'Not Mine At All' });
  deleted = await createProject(t.ctx, me, { name: 'Deleted Of Mine' });
  await t.db.collaborators.add(shared.id, me.id, new Date());
  await t.db.pool.query('UPDATE projects SET deleted_at = now() WHERE id = $1', [deleted.id]);
  // Most recently updated first within each role.
  await t.db.pool.query(`UPDATE projects SET updated_at = now() + interval '1 minute' WHERE id = $1`, [mineToo.id]);
  agent = await loginAs(t.app, me);
});

afterAll(async () => {
  await t.close();
});

describe('the signed-in user sees their projects', () => {
  it('on /account: owned first, then collaborating, each with role, link and badge', async () => {
    const res = await agent.get('/account').expect(200);
    expect(items(res.text)).toEqual([`${mineToo.id} Owner`, `${mine.id} Owner`, `${shared.id} Collaborator`]);
    const html = section(res.text);
    for (const p of [mine, mineToo, shared]) {
      expect(html).toContain(`href="/projects/${p.id}"`);
      expect(html).toContain(`src="/projects/${p.id}/badge"`);
      expect(html).toContain(p.name!);
    }
    expect(html).toMatch(/alt="Badge level: [^"]+"/);
    expect(html).not.toContain(othersOnly.name!);
    expect(html).not.toContain(deleted.name!);
    expect(html).toContain('href="/account/projects"');
  });

  it('on the signed-in home page, and not for anonymous visitors', async () => {
    const res = await agent.get('/en').expect(200);
    expect(items(res.text)).toEqual([`${mineToo.id} Owner`, `${mine.id} Owner`, `${shared.id} Collaborator`]);
    const anonymous = await request(t.app).get('/en').expect(200);
    expect(anonymous.text).not.toContain('class="my-projects"');
  });

  it('on /account/projects, linked from the menu for signed-in users only', async () => {
    const home = await agent.get('/en').expect(200);
    const header = home.text.slice(home.text.indexOf('<header'), home.text.indexOf('</header>'));
    expect(header).toContain('<a href="/en/account/projects">My projects</a>');
    const anonymous = await request(t.app).get('/en').expect(200);
    expect(anonymous.text).not.toContain('href="/en/account/projects"');

    const res = await agent.get('/account/projects').expect(200);
    expect(res.text).toContain('<h1>My projects</h1>');
    expect(items(res.text)).toEqual([`${mineToo.id} Owner`, `${mine.id} Owner`, `${shared.id} Collaborator`]);
    for (const path of ['/projects', '/projects.json', '/projects.csv']) expect(res.text).toContain(`href="${path}?user_id=${me.id}"`);
  });

  it('/account/projects sends anonymous visitors to the login page', async () => {
    const res = await request(t.app).get('/account/projects').expect(303);
    expect(res.headers.location).toBe('/login');
  });

  it("another user's page shows their projects, not mine", async () => {
    const otherAgent = await loginAs(t.app, other);
    const res = await otherAgent.get('/account/projects').expect(200);
    expect(items(res.text)).toEqual([`${othersOnly.id} Owner`, `${shared.id} Owner`]);
    expect(section(res.text)).not.toContain(mine.name!);
    expect(section(res.text)).not.toContain(mineToo.name!);
  });

  it('a user without projects is told so and pointed at registering one', async () => {
    const nobody = await createUser(t.ctx, { name: 'No Projects' });
    const res = await (await loginAs(t.app, nobody)).get('/account').expect(200);
    expect(section(res.text)).toContain('You have no projects yet.');
    expect(section(res.text)).toContain('href="/projects/new"');
  });

  it('the preview shows ten and links to the rest', async () => {
    const busy = await createUser(t.ctx, { name: 'Busy Owner' });
    for (let i = 0; i < 11; i++) await createProject(t.ctx, busy, { name: `Busy ${i}` });
    const busyAgent = await loginAs(t.app, busy);
    const account = await busyAgent.get('/account').expect(200);
    expect(items(account.text)).toHaveLength(10);
    expect(section(account.text)).toContain('See all my projects');
    expect(items((await busyAgent.get('/account/projects').expect(200)).text)).toHaveLength(11);
  });
});

describe('the list filters by owner with user_id', () => {
  it('in JSON: only live projects owned by that user, no login needed', async () => {
    const res = await request(t.app).get(`/projects.json?user_id=${me.id}`).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(ids(res).sort()).toEqual([mine.id, mineToo.id].sort());
    expect((res.body as Row[]).every((r) => r.user_id === me.id)).toBe(true);
    expect(ids(await request(t.app).get(`/projects.json?user_id=${other.id}`).expect(200)).sort()).toEqual([shared.id, othersOnly.id].sort());
    expect(ids(await request(t.app).get('/projects.json?user_id=2147483647').expect(200))).toEqual([]);
  });

  it('combined with the other filters and sort', async () => {
    const res = await request(t.app).get(`/projects.json?user_id=${me.id}&sort=id&sort_direction=desc&q=Two`).expect(200);
    expect(ids(res)).toEqual([mineToo.id]);
    expect(ids(await request(t.app).get(`/projects.json?user_id=${me.id}&ids=${shared.id}`).expect(200))).toEqual([]);
  });

  it('in CSV', async () => {
    const res = await request(t.app).get(`/projects.csv?user_id=${me.id}`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.text.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    expect(res.text).toContain('Mine One');
    expect(res.text).toContain('Mine Two');
    expect(res.text).not.toContain('Shared With Me');
  });

  it('in HTML, with a note, a way back and the filter kept by the filter form', async () => {
    const res = await request(t.app).get(`/projects?user_id=${me.id}`).expect(200);
    expect(res.text).toContain(`Projects owned by user ${me.id}.`);
    expect(res.text).toContain(`<input type="hidden" name="user_id" value="${me.id}">`);
    expect(res.text).toContain(`href="/projects/${mine.id}"`);
    expect(res.text).toContain(`href="/projects/${mineToo.id}"`);
    expect(res.text).not.toContain(`href="/projects/${shared.id}"`);
    expect(res.text).not.toContain(`href="/projects/${othersOnly.id}"`);
  });

  it.each(['0', 'abc', '-1', '01', '1.5', '2147483648', '99999999999'])('user_id=%s is a 400 naming user_id', async (value) => {
    for (const path of ['/projects.json', '/projects.csv']) {
      const res = await request(t.app).get(`${path}?user_id=${encodeURIComponent(value)}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect((res.body as { details: Record<string, string> }).details).toEqual({ user_id: 'a user id (a positive integer)' });
    }
    const html = await request(t.app).get(`/projects?user_id=${encodeURIComponent(value)}`).expect(400);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
  });

  it('a repeated user_id is a 400; an empty one is dropped by redirect', async () => {
    const res = await request(t.app).get(`/projects.json?user_id=${me.id}&user_id=${other.id}`).expect(400);
    expect(Object.keys((res.body as { details: object }).details)).toEqual(['user_id']);
    const empty = await request(t.app).get('/projects.json?user_id=&status=passing').expect(302);
    expect(empty.headers.location).toBe('/projects.json?status=passing');
  });

  it('the OpenAPI document lists user_id', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    const params = (res.body as { paths: Record<string, { get: { parameters: { name: string }[] } }> }).paths['/projects.json']!.get.parameters;
    expect(params.map((p) => p.name)).toContain('user_id');
  });
});

describe('query plans', () => {
  it('the owner filter and the my-projects read use indexes, not a sequential scan of projects', async () => {
    const bulk = await createUser(t.ctx, { name: 'Bulk Owner' });
    await t.db.pool.query(`
      INSERT INTO projects (user_id, name, repo_url, tiered_percentage, created_at, updated_at)
      SELECT $1, 'Bulk ' || g, 'https://github.com/bulk-mine/repo-' || g, g % 100, now() - make_interval(secs => g), now()
      FROM generate_series(1, 5000) AS g`, [bulk.id]);
    await t.db.pool.query('VACUUM ANALYZE projects');
    await t.db.pool.query('VACUUM ANALYZE additional_rights');
    const plans = {
      list: await t.db.list.explainPage({ ownerId: me.id }, { field: 'created_at', direction: 'asc' }, 20, 0),
      mine: await t.db.list.explainUserProjects(me.id, 11),
    };
    if (process.env.SHOW_PLANS) console.log(JSON.stringify(plans, null, 2));
    for (const [name, plan] of Object.entries(plans)) expect(plan.join('\n'), name).not.toContain('Seq Scan on projects');
    expect(ids(await request(t.app).get(`/projects.json?user_id=${me.id}`).expect(200)).sort()).toEqual([mine.id, mineToo.id].sort());
  });
});
