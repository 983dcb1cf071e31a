import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ProjectWithOwner, StoredAnswers, User } from '../../src/db/types.ts';
import { projectCsvColumns } from '../../src/presenters/project-csv.ts';
import { presentProject } from '../../src/presenters/project-json.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;
let owner: User;
let alpha: ProjectWithOwner;
let beta: ProjectWithOwner;
let gamma: ProjectWithOwner;
let gone: ProjectWithOwner;
let twinA: ProjectWithOwner;
let twinB: ProjectWithOwner;

type Row = Record<string, unknown>;
const rows = (res: request.Response) => res.body as Row[];
const ids = (res: request.Response) => rows(res).map((r) => r.id as number);

function metAnswers(levels: string[]): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const key of levels) {
    for (const c of t.ctx.criteria.level(key)!.criteria) answers[c.id] = { status: STATUS.met, justification: `See https://example.org/${c.id}` };
  }
  return answers;
}

async function describeProject(project: ProjectWithOwner, description: string): Promise<ProjectWithOwner> {
  await t.db.projects.update(project.id, project.lockVersion, { description }, new Date());
  return (await t.db.projects.findById(project.id))!;
}

beforeAll(async () => {
  t = await buildTestApp();
  owner = await createUser(t.ctx, { name: 'Lister' });
  alpha = await createProject(t.ctx, owner, { name: 'Alpha Widget', repoUrl: 'https://github.com/org-a/alpha', homepageUrl: 'https://alpha.example.org' });
  alpha = await describeProject(alpha, 'Fast widgets, "quoted", and more');
  beta = await createProject(t.ctx, owner, { name: 'Beta Tool', repoUrl: 'https://github.com/org-b/beta', answers: metAnswers(['passing']) });
  gamma = await createProject(t.ctx, owner, { name: 'Gamma', repoUrl: 'https://gitlab.com/org-c/gamma' });
  await t.db.pool.query('UPDATE projects SET tiered_percentage = 50 WHERE id = $1', [gamma.id]);
  gone = await createProject(t.ctx, owner, { name: 'Gone Project', repoUrl: 'https://github.com/org-d/gone' });
  await t.db.pool.query('UPDATE projects SET deleted_at = now() WHERE id = $1', [gone.id]);
  twinA = await createProject(t.ctx, owner, { name: 'Twin A', homepageUrl: 'https://twins.example.org' });
  twinB = await createProject(t.ctx, owner, { name: 'Twin B', homepageUrl: 'https://twins.example.org' });
});

afterAll(async () => {
  await t.close();
});

describe('GET /projects.json filters', () => {
  it('finds a project by repository URL exactly as OpenSSF Scorecard asks', async () => {
    const res = await request(t.app).get('/projects.json?url=https://github.com/org-b/beta').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(rows(res)).toHaveLength(1);
    expect(rows(res)[0]).toMatchObject({ id: beta.id, badge_level: 'passing', tiered_percentage: beta.tieredPercentage });
    expect(beta.tieredPercentage).toBeGreaterThanOrEqual(100);
  });

  it('matches the canonical form and the raw value minus a trailing slash, on repo or homepage URL', async () => {
    for (const url of ['https://github.com/org-b/beta/', 'HTTPS://GitHub.com/org-b/beta.git', 'https%3A%2F%2Fgithub.com%2Forg-b%2Fbeta']) {
      expect(ids(await request(t.app).get(`/projects.json?url=${url}`).expect(200))).toEqual([beta.id]);
    }
    expect(ids(await request(t.app).get('/projects.json?url=https://alpha.example.org/').expect(200))).toEqual([alpha.id]);
    expect(rows(await request(t.app).get('/projects.json?url=https://github.com/org-b').expect(200))).toEqual([]);
  });

  it('never lists soft-deleted projects', async () => {
    expect(rows(await request(t.app).get('/projects.json?url=https://github.com/org-d/gone').expect(200))).toEqual([]);
    expect(ids(await request(t.app).get('/projects.json').expect(200))).not.toContain(gone.id);
  });

  it('lists every live project in creation order by default, each in the project JSON shape', async () => {
    const res = await request(t.app).get('/projects.json').expect(200);
    expect(ids(res)).toEqual([alpha.id, beta.id, gamma.id, twinA.id, twinB.id]);
    const single = await request(t.app).get(`/projects/${alpha.id}.json`).expect(200);
    const expected = presentProject(t.ctx.criteria, (await t.db.projects.findById(alpha.id))!);
    expect(Object.keys(rows(res)[0]!)).toEqual(Object.keys(expected));
    expect(rows(res)[0]).toEqual(single.body);
    expect(rows(res)[0]).toMatchObject({ additional_rights: [], description: 'Fast widgets, "quoted", and more' });
  });

  it('filters by status, gteq and lteq on tiered_percentage', async () => {
    expect(ids(await request(t.app).get('/projects.json?status=passing').expect(200))).toEqual([beta.id]);
    expect(ids(await request(t.app).get('/projects.json?status=in_progress').expect(200))).toEqual([alpha.id, gamma.id, twinA.id, twinB.id]);
    expect(ids(await request(t.app).get('/projects.json?gteq=50').expect(200))).toEqual([beta.id, gamma.id]);
    expect(ids(await request(t.app).get('/projects.json?gteq=50&lteq=99').expect(200))).toEqual([gamma.id]);
    expect(ids(await request(t.app).get('/projects.json?status=in_progress&gteq=1').expect(200))).toEqual([gamma.id]);
    expect(ids(await request(t.app).get('/projects.json?gteq=9999999999999999').expect(200))).toEqual([]);
  });

  it('pq is a prefix of the name or a URL, case-insensitive', async () => {
    expect(ids(await request(t.app).get('/projects.json?pq=alp').expect(200))).toEqual([alpha.id]);
    expect(ids(await request(t.app).get('/projects.json?pq=ALPHA%20Wid').expect(200))).toEqual([alpha.id]);
    expect(ids(await request(t.app).get('/projects.json?pq=https://github.com/org-b').expect(200))).toEqual([beta.id]);
    expect(ids(await request(t.app).get('/projects.json?pq=twin').expect(200))).toEqual([twinA.id, twinB.id]);
    // A word inside the name is not a prefix of it.
    expect(ids(await request(t.app).get('/projects.json?pq=widget').expect(200))).toEqual([]);
    // LIKE wildcards and tsquery syntax are plain text.
    expect(ids(await request(t.app).get('/projects.json?pq=%25').expect(200))).toEqual([]);
    expect(ids(await request(t.app).get(`/projects.json?pq=${encodeURIComponent("a' & b:*|!(")}`).expect(200))).toEqual([]);
  });

  it('q searches name, description and URLs with web-search syntax', async () => {
    expect(ids(await request(t.app).get('/projects.json?q=widgets').expect(200))).toEqual([alpha.id]);
    expect(ids(await request(t.app).get('/projects.json?q=beta').expect(200))).toEqual([beta.id]);
    expect(ids(await request(t.app).get('/projects.json?q=twin%20or%20gamma').expect(200))).toEqual([gamma.id, twinA.id, twinB.id]);
    expect(ids(await request(t.app).get('/projects.json?q=twin%20-b').expect(200))).toEqual([twinA.id]);
    expect(ids(await request(t.app).get(`/projects.json?q=${encodeURIComponent('"unbalanced & | !(')}`).expect(200))).toEqual([]);
  });

  it('ids selects up to 21 projects', async () => {
    expect(ids(await request(t.app).get(`/projects.json?ids=${gamma.id},${alpha.id},${gone.id}`).expect(200))).toEqual([alpha.id, gamma.id]);
  });

  it('sorts by a whitelisted field in either direction', async () => {
    expect(ids(await request(t.app).get('/projects.json?sort=name&sort_direction=desc').expect(200))).toEqual([twinB.id, twinA.id, gamma.id, beta.id, alpha.id]);
    expect(ids(await request(t.app).get('/projects.json?sort=tiered_percentage&sort_direction=desc').expect(200)).slice(0, 2)).toEqual([beta.id, gamma.id]);
    expect(ids(await request(t.app).get('/projects.json?sort=id').expect(200))).toEqual([alpha.id, beta.id, gamma.id, twinA.id, twinB.id]);
  });

  it('pages by 20 and returns [] past the end', async () => {
    const made: number[] = [];
    for (let i = 0; i < 22; i++) made.push((await createProject(t.ctx, owner, { name: `Pagetest ${i}` })).id);
    expect(ids(await request(t.app).get('/projects.json?pq=pagetest').expect(200))).toEqual(made.slice(0, 20));
    expect(ids(await request(t.app).get('/projects.json?pq=pagetest&page=2').expect(200))).toEqual(made.slice(20));
    expect(rows(await request(t.app).get('/projects.json?pq=pagetest&page=3').expect(200))).toEqual([]);
    expect(rows(await request(t.app).get('/projects.json?page=9999999999999999').expect(200))).toEqual([]);
    const html = await request(t.app).get('/projects?pq=pagetest').expect(200);
    expect(html.text).toContain('href="/projects?pq=pagetest&amp;page=2"');
    expect(html.text).toContain('22 projects');
    const second = await request(t.app).get('/projects?pq=pagetest&page=2').expect(200);
    expect(second.text).toContain('href="/projects?pq=pagetest" rel="prev"');
  });
});

describe('parameter hygiene', () => {
  it.each([
    ['/projects.json?foo=1&status=passing', '/projects.json?status=passing'],
    ['/projects.json?status=passing&q=', '/projects.json?status=passing'],
    ['/projects?q=&status=&gteq=', '/projects'],
    ['/projects.csv?utm_source=x&sort=name', '/projects.csv?sort=name'],
    ['/projects?as=badge&url=https%3A%2F%2Fgithub.com%2Forg-b%2Fbeta&x=1', '/projects?as=badge&url=https%3A%2F%2Fgithub.com%2Forg-b%2Fbeta'],
  ])('%s redirects to %s (path-only Location)', async (from, to) => {
    const res = await request(t.app).get(from).expect(302);
    expect(res.headers.location).toBe(to);
  });

  it.each([
    ['gteq=abc', 'gteq'], ['gteq=01', 'gteq'], ['lteq=-5', 'lteq'], ['page=-1', 'page'], ['page=0', 'page'],
    ['sort=bogus', 'sort'], ['sort_direction=up', 'sort_direction'], ['status=gold', 'status'], [`q=${'a'.repeat(201)}`, 'q'],
    [`ids=${Array.from({ length: 22 }, (_, i) => i + 1).join(',')}`, 'ids'], ['ids=1,x', 'ids'], ['as=list', 'as'], ['q=a&q=b', 'q'],
  ])('?%s is a 400 naming %s, as JSON for .json and .csv', async (query, field) => {
    for (const path of ['/projects.json', '/projects.csv']) {
      const res = await request(t.app).get(`${path}?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ error: expect.any(String) as string });
      expect(Object.keys((res.body as { details: object }).details)).toEqual([field]);
    }
    const html = await request(t.app).get(`/projects?${query}`).expect(400);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('CSV and HTML', () => {
  it('sends RFC 4180 CSV with the JSON keys as header', async () => {
    const res = await request(t.app).get(`/projects.csv?ids=${alpha.id}`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?projects\.csv"?$/);
    const [header, row, end] = res.text.split('\r\n');
    const columns = projectCsvColumns(t.ctx.criteria);
    expect(header).toBe(columns.join(','));
    for (const key of Object.keys(presentProject(t.ctx.criteria, alpha))) expect(columns).toContain(key);
    expect(row).toContain(`${alpha.id},${owner.id},Alpha Widget,"Fast widgets, ""quoted"", and more",https://alpha.example.org,`);
    expect(end).toBe('');
  });

  it('shows a table with links, badges and a labelled GET filter form', async () => {
    const res = await request(t.app).get('/projects?status=in_progress').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(`<a href="/projects/${alpha.id}">Alpha Widget</a>`);
    expect(res.text).toContain(`<img src="/projects/${alpha.id}/badge"`);
    expect(res.text).toContain('<a href="https://alpha.example.org" rel="nofollow ugc noopener noreferrer">');
    expect(res.text).not.toContain('Beta Tool');
    expect(res.text).toMatch(/<form[^>]*method="get"[^>]*action="\/projects"/);
    expect(res.text).toContain('<label for="list-q">');
    expect(res.text).toContain('<option value="in_progress" selected');
    expect(res.text).toContain('<a href="/projects">Projects</a>');
  });
});

describe('lookups', () => {
  it('as=badge redirects to the one matching badge, or answers 404 / 409', async () => {
    let res = await request(t.app).get('/projects?as=badge&url=https://github.com/org-b/beta').expect(301);
    expect(res.headers.location).toBe(`/projects/${beta.id}/badge`);
    expect(res.headers['set-cookie']).toBeUndefined();
    res = await request(t.app).get('/projects.json?as=badge&url=https://github.com/org-b/beta').expect(301);
    expect(res.headers.location).toBe(`/projects/${beta.id}/badge.json`);
    await request(t.app).get('/projects?as=badge&url=https://github.com/nobody/none').expect(404);
    await request(t.app).get('/projects?as=badge&url=https://github.com/org-d/gone').expect(404);
    res = await request(t.app).get('/projects?as=badge&url=https://twins.example.org').expect(409);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    res = await request(t.app).get('/projects.json?as=badge&url=https://twins.example.org').expect(409);
    expect(res.body).toMatchObject({ error: expect.any(String) as string });
  });

  it('as=entry redirects to the project; as=edit to its edit form with the proposals', async () => {
    let res = await request(t.app).get('/projects?as=entry&url=https://github.com/org-b/beta').expect(301);
    expect(res.headers.location).toBe(`/projects/${beta.id}`);
    res = await request(t.app).get('/projects.json?as=entry&url=https://github.com/org-b/beta').expect(301);
    expect(res.headers.location).toBe(`/projects/${beta.id}.json`);
    res = await request(t.app).get('/projects?as=edit&url=https://github.com/org-b/beta&description_status=Met&section=silver').expect(302);
    expect(res.headers.location).toBe(`/projects/${beta.id}/silver/edit?description_status=Met`);
    res = await request(t.app).get('/projects?as=edit&url=https://github.com/org-b/beta&section=nonsense').expect(302);
    expect(res.headers.location).toBe(`/projects/${beta.id}/${t.ctx.criteria.levels[0]!.key}/edit`);
    // No single match: the normal list (after dropping the proposals).
    res = await request(t.app).get('/projects?as=edit&url=https://twins.example.org&x=1').expect(302);
    expect(res.headers.location).toBe('/projects?as=edit&url=https%3A%2F%2Ftwins.example.org');
    await request(t.app).get('/projects?as=entry&url=https://twins.example.org').expect(200);
  });
});

describe('CORS', () => {
  it('allows any origin, without credentials, on the public read-only resources', async () => {
    for (const path of ['/projects.json', `/projects/${beta.id}.json`, `/projects/${beta.id}/badge`, `/projects/${beta.id}/badge.svg`, `/projects/${beta.id}/badge.json`, '/badge_static/passing']) {
      const res = await request(t.app).get(path).set('Origin', 'https://dashboard.example').expect(200);
      expect(res.headers['access-control-allow-origin'], path).toBe('*');
      expect(res.headers['access-control-allow-credentials'], path).toBeUndefined();
    }
  });

  it('answers preflights with 204', async () => {
    const res = await request(t.app)
      .options('/projects.json')
      .set('Origin', 'https://dashboard.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'x-requested-with')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('x-requested-with');
  });

  it('is absent on HTML pages, CSV and mutating routes', async () => {
    for (const path of ['/projects', '/projects.csv', `/projects/${beta.id}/passing`, '/']) {
      const res = await request(t.app).get(path).set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    for (const path of ['/projects', `/projects/${beta.id}/passing/edit`, '/projects.json']) {
      const res = await request(t.app).post(path).set('Origin', 'https://evil.example').send('x=1');
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    const pre = await request(t.app).options('/projects').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('query plans', () => {
  it('use indexes, not a sequential scan, for q, status/gteq and url once the table is realistic', async () => {
    // 5,000 live rows like real entries: mostly unfinished, a few passing, each with its own URLs.
    await t.db.pool.query(`
      INSERT INTO projects (user_id, name, description, repo_url, homepage_url, tiered_percentage, created_at, updated_at)
      SELECT $1, 'Bulk ' || g, 'Generated project number ' || g || ' for plan tests',
             'https://github.com/bulk/repo-' || g, 'https://bulk-' || g || '.example.org',
             CASE WHEN g % 50 = 0 THEN 100 + (g % 3) * 100 ELSE g % 100 END,
             now() - make_interval(secs => g), now()
      FROM generate_series(1, 5000) AS g`, [owner.id]);
    await t.db.pool.query(`
      UPDATE projects SET search_vector = to_tsvector('simple',
        coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(homepage_url, '') || ' ' || coalesce(repo_url, ''))
      WHERE search_vector IS NULL`);
    // VACUUM as autovacuum would: it also merges the GIN index's pending list, which a bulk insert
    // fills and which the planner (rightly) costs as a linear scan until it is merged.
    await t.db.pool.query('VACUUM ANALYZE projects');
    const order = { field: 'created_at', direction: 'asc' } as const;
    const plans = {
      q: await t.db.list.explainPage({ text: 'widgets' }, order, 20, 0),
      passing: await t.db.list.explainPage({ minTiered: 100 }, order, 20, 0),
      gteq: await t.db.list.explainPage({ minTiered: 250 }, order, 20, 0),
      url: await t.db.list.explainPage({ urls: ['https://github.com/org-b/beta'] }, order, 20, 0),
      pq: await t.db.list.explainPage({ prefix: { tsquery: "'alph':*", likePattern: 'alph%' } }, order, 20, 0),
    };
    if (process.env.SHOW_PLANS) console.log(JSON.stringify(plans, null, 2));
    for (const [name, plan] of Object.entries(plans)) expect(plan.join('\n'), name).not.toContain('Seq Scan on projects');
    // And the API still answers correctly on the larger table.
    expect(ids(await request(t.app).get('/projects.json?url=https://github.com/bulk/repo-77').expect(200))).toHaveLength(1);
    expect(rows(await request(t.app).get('/projects.json?q=generated&page=250').expect(200))).toHaveLength(20);
  });
});
