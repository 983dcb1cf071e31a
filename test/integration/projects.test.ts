import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';
import { waitForMail } from '../support/smtp.ts';
import { createProject as createProjectUseCase } from '../../src/services/projects.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

/** Valid answers for every passing MUST, satisfying URL and justification flags. */
function passingMustAnswers(): Record<string, string> {
  const form: Record<string, string> = {};
  for (const c of t.ctx.criteria.level('passing')!.criteria) {
    if (c.category !== 'MUST') continue;
    form[`${c.id}_status`] = 'Met';
    form[`${c.id}_justification`] = `See https://example.org/evidence/${c.id} for details.`;
  }
  return form;
}

function allPassingAnswers(): Record<string, string> {
  const form: Record<string, string> = {};
  for (const c of t.ctx.criteria.level('passing')!.criteria) {
    form[`${c.id}_status`] = 'Met';
    form[`${c.id}_justification`] = `See https://example.org/evidence/${c.id} for details.`;
  }
  return form;
}

async function historyRows(): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM project_changes');
  return Number(rows[0]!.n);
}

describe('POST /projects (create)', () => {
  it('sends anonymous users to the login page', async () => {
    const res = await request(t.app).get('/projects/new').expect(303);
    expect(res.headers.location).toBe('/login');
  });

  it('creates a project with canonical URLs and opens its first edit form', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    const res = await agent
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent), repo_url: 'HTTPS://GitHub.com/Acme/Widget.git/', homepage_url: 'https://acme.example/', name: 'Widget', description: 'A widget.' })
      .expect(303);
    const id = Number(/\/projects\/(\d+)\/passing\/edit$/.exec(res.headers.location!)![1]);
    const project = await t.db.projects.findById(id);
    expect(project).toMatchObject({ repoUrl: 'https://github.com/Acme/Widget', homepageUrl: 'https://acme.example', name: 'Widget', userId: user.id });
    expect(project!.tieredPercentage).toBe(0);
  });

  it('refuses a duplicate repository URL and links to the existing entry', async () => {
    const owner = await createUser(t.ctx);
    const existing = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/acme/dup' });
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const before = await t.db.projects.count();
    const res = await agent
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent), repo_url: 'https://github.com/acme/dup.git', name: 'Copy' })
      .expect(422);
    expect(res.text).toContain(`href="/projects/${existing.id}"`);
    expect(res.text).toContain('already uses this repository URL');
    expect(res.text).toContain('value="Copy"');
    expect(await t.db.projects.count()).toBe(before);
  });

  it.each([
    [{ repo_url: 'ftp://example.org/x' }, 'Only http:// and https:// URLs are accepted.'],
    [{ repo_url: 'javascript:alert(1)' }, 'Only http:// and https:// URLs are accepted.'],
    [{ name: 'x' }, 'Give at least a source repository URL or a home page URL.'],
    [{ repo_url: 'https://example.org/a', name: 'n'.repeat(255) }, 'This is too long (at most 254 characters).'],
    [{ repo_url: 'https://example.org/b', bogus: '1' }, '&quot;bogus&quot; is not a field of this form.'],
  ])('rejects bad input %j with a clear message and stores nothing', async (fields, message) => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const before = await t.db.projects.count();
    const res = await agent.post('/projects').type('form').send({ _csrf: await csrfFor(agent), ...fields }).expect(422);
    expect(res.text).toContain(message);
    expect(await t.db.projects.count()).toBe(before);
  });

  it.each([
    ['an unpaired surrogate in the name', { name: 'a\ud800b' }, 'name', 'This value is not valid.'],
    ['an unpaired surrogate in the description', { description: '\udc00' }, 'description', 'This value is not valid.'],
    ['a NUL in the name', { name: 'a\u0000b' }, 'name', 'control characters'],
  ])('answers a JSON body with %s with 422 and stores neither project nor history', async (_label, fields, field, message) => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const before = await t.db.projects.count();
    const changesBefore = await historyRows();
    const res = await agent
      .post('/projects')
      .set('x-csrf-token', await csrfFor(agent))
      .send({ repo_url: `https://example.org/surrogate-${field}`, ...fields })
      .expect(422);
    expect(res.text).toContain(message);
    expect(await t.db.projects.count()).toBe(before);
    expect(await historyRows()).toBe(changesBefore);
  });

  it('writes the project and its history in one transaction: a failed history write leaves no project', async () => {
    const owner = await createUser(t.ctx);
    const before = await t.db.projects.count();
    const failingHistory = {
      ...t.ctx,
      db: {
        ...t.ctx.db,
        transaction: <T>(fn: (tx: Parameters<Parameters<typeof t.ctx.db.transaction>[0]>[0]) => Promise<T>) =>
          t.ctx.db.transaction((tx) => fn({ ...tx, projects: { ...tx.projects, recordChange: () => Promise.reject(new Error('history write failed')) } })),
      },
    };
    await expect(createProjectUseCase(failingHistory, owner, { repo_url: 'https://example.org/half-written', name: 'Half' })).rejects.toThrow('history write failed');
    expect(await t.db.projects.count()).toBe(before);
    expect(await t.db.projects.findIdByRepoUrl('https://example.org/half-written')).toBeNull();
  });

  it('refuses a POST without a CSRF token', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    await agent.post('/projects').type('form').send({ repo_url: 'https://example.org/nocsrf' }).expect(403);
    expect(await t.db.projects.findIdByRepoUrl('https://example.org/nocsrf')).toBeNull();
  });
});

describe('GET/POST /projects/:id/:level/edit', () => {
  it('renders every criterion of the level as a fieldset with labelled radios', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const res = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    const level = t.ctx.criteria.level('passing')!;
    expect(res.text.match(/<fieldset class="criterion/g)).toHaveLength(level.criteria.length);
    for (const c of level.criteria) {
      expect(res.text).toContain(`name="${c.id}_status"`);
      expect(res.text).toContain(`<label for="${c.id}_status_met">`);
      expect(res.text.includes(`id="${c.id}_status_na"`)).toBe(c.na_allowed);
    }
  });

  it('forbids editing by anyone but the owner, a collaborator or an admin', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    await stranger.get(`/projects/${project.id}/passing/edit`).expect(403);
    const token = await csrfFor(stranger);
    await stranger
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: '0', description_good_status: 'Met' })
      .expect(403);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    await admin.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect((await t.db.projects.findById(project.id))!.answers).toEqual(project.answers);
  });

  it('saves MUST answers, rescores and reaches passing only when every criterion counts', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'continue', ...passingMustAnswers() })
      .expect(303)
      .expect('location', `/projects/${project.id}/passing/edit`);
    let saved = (await t.db.projects.findById(project.id))!;
    expect(saved.badgePercentage0).toBe(64);
    expect(saved.passingSaved).toBe(true);
    expect(saved.lockVersion).toBe(1);

    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: '1', after: 'exit', ...allPassingAnswers() })
      .expect(303)
      .expect('location', `/projects/${project.id}/passing`);
    saved = (await t.db.projects.findById(project.id))!;
    expect(saved.badgePercentage0).toBe(100);
    expect(saved.achievedPassingAt).toBeInstanceOf(Date);
    expect(saved.firstAchievedPassingAt).toEqual(saved.achievedPassingAt);
    const show = await agent.get(`/projects/${project.id}/passing`).expect(200);
    expect(show.text).toContain('Congratulations! The project has earned the passing badge.');
    const mail = await waitForMail(t.mail, owner.email!, (m) => m.subject.includes('earned the passing badge'));
    expect(mail.text).toContain(`/projects/${project.id}/badge`);
  });

  it('names the gained level in the reader\'s language, not by its key', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/fr/projects/${project.id}/passing/edit`).expect(200);
    await agent
      .post(`/fr/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'exit', ...allPassingAnswers() })
      .expect(303)
      .expect('location', `/fr/projects/${project.id}/passing`);
    const show = await agent.get(`/fr/projects/${project.id}/passing`).expect(200);
    expect(show.text).toContain('Le projet a obtenu le badge de base.');
    expect(show.text).not.toContain('le badge passing');
  });

  it('re-renders with the input kept and stores nothing when any field is invalid', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`);
    const res = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        lock_version: '0',
        description_good_status: 'Met',
        description_good_justification: 'Kept text',
        interact_status: 'Maybe',
        floss_license_status: 'N/A',
        no_such_thing_status: 'Met',
        license_location_justification: 'j'.repeat(8193),
      })
      .expect(422);
    expect(res.text).toContain('&quot;Maybe&quot; is not a valid answer');
    expect(res.text).toContain('N/A is not an allowed answer for this criterion.');
    expect(res.text).toContain('&quot;no_such_thing_status&quot; does not name a known criterion.');
    expect(res.text).toContain('at most 8192 characters');
    expect(res.text).toContain('>Kept text</textarea>');
    expect(res.text).toMatch(/id="description_good_status_met"[^>]*checked/);
    const after = (await t.db.projects.findById(project.id))!;
    expect(after.answers).toEqual(project.answers);
    expect(after.lockVersion).toBe(0);
  });

  it('refuses to let users set a prerequisite criterion', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const prerequisite = t.ctx.criteria.level('silver')!.criteria.find((c) => c.prerequisite)!;
    const res = await agent
      .post(`/projects/${project.id}/silver/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: '0', [`${prerequisite.id}_status`]: 'Met' })
      .expect(422);
    expect(res.text).toContain('is set automatically');
  });

  it('answers 409 to a stale form and keeps the other save', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    await agent.post(`/projects/${project.id}/passing/edit`).type('form').send({ _csrf: token, lock_version: '0', interact_status: 'Met' }).expect(303);
    const res = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: '0', interact_status: 'Unmet' })
      .expect(409);
    expect(res.text).toContain('Someone else saved this project');
    expect((await t.db.projects.findById(project.id))!.answers.interact).toEqual({ status: 3, justification: null });
  });

  it('shows read-only answers to anonymous visitors without setting a cookie', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: { description_good: { status: 3, justification: 'We describe it at https://example.org/about' } } });
    const res = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).not.toContain('<input');
    expect(res.text).toContain('href="https://example.org/about" rel="nofollow ugc noopener noreferrer"');
    await request(t.app).get(`/projects/${project.id}`).expect(302).expect('location', `/projects/${project.id}/passing`);
    await request(t.app).get(`/projects/${project.id}/1`).expect(301).expect('location', `/projects/${project.id}/silver`);
    await request(t.app).get(`/projects/${project.id}/platinum`).expect(404);
    await request(t.app).get('/projects/01/passing').expect(404);
  });
});

describe('other ways to submit the edit form', () => {
  it('accepts PATCH with a JSON body and the CSRF token in the x-csrf-token header', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    await agent
      .patch(`/projects/${project.id}/passing/edit`)
      .set('x-csrf-token', token)
      .send({ lock_version: '0', interact_status: 'Met', interact_justification: 'Via the issue tracker.' })
      .expect(303);
    await agent.patch(`/projects/${project.id}/passing/edit`).send({ lock_version: '1', interact_status: 'Unmet' }).expect(403);
    expect((await t.db.projects.findById(project.id))!.answers.interact).toEqual({ status: 3, justification: 'Via the issue tracker.' });
  });

  it('refuses an unpaired surrogate in a JSON justification and changes nothing', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent
      .patch(`/projects/${project.id}/passing/edit`)
      .set('x-csrf-token', await csrfFor(agent))
      .send({ lock_version: '0', interact_status: 'Met', interact_justification: 'broken \ud800 text' })
      .expect(422);
    const after = (await t.db.projects.findById(project.id))!;
    expect(after.answers).toEqual(project.answers);
    expect(after.lockVersion).toBe(0);
  });

  it('refuses control characters and a CPE without the cpe: prefix', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const res = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: '0', name: 'bad\u0007name', cpe: 'not-a-cpe' })
      .expect(422);
    expect(res.text).toContain('control characters');
    expect(res.text).toContain('must start with &quot;cpe:&quot;');
    expect((await t.db.projects.findById(project.id))!.name).toBe(project.name);
  });

  it('lets a collaborator edit but not an unrelated user', async () => {
    const owner = await createUser(t.ctx);
    const collaborator = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await t.db.pool.query('INSERT INTO additional_rights (project_id, user_id, updated_at) VALUES ($1, $2, now())', [project.id, collaborator.id]);
    const agent = await loginAs(t.app, collaborator);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: '0', english_status: 'Met' })
      .expect(303);
    expect((await t.db.projects.findById(project.id))!.answers.english?.status).toBe(3);
  });
});

describe('answer history', () => {
  it('records who changed which answers, and marks an admin change as an override', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: '0', name: 'Renamed', interact_status: 'Met', interact_justification: 'Issues and mailing list.' })
      .expect(303);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    await admin
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(admin), lock_version: '1', interact_status: 'Unmet' })
      .expect(303);
    const history = await t.db.projects.changes(project.id, 10);
    expect(history.map((h) => [h.kind, h.userId])).toEqual([
      ['admin_override', expect.any(Number) as number],
      ['edit', owner.id],
    ]);
    expect(history[1]!.changes).toEqual({
      name: [project.name, 'Renamed'],
      interact_status: ['?', 'Met'],
      interact_justification: [null, 'Issues and mailing list.'],
    });
    expect(history[0]!.changes).toEqual({ interact_status: ['Met', 'Unmet'] });
  });
});

describe('anonymous project pages', () => {
  it('are byte-identical for two anonymous visitors, set no cookie and are CDN-cacheable', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: { interact: { status: 3, justification: 'Issue tracker at https://example.org/issues' } } });
    const first = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    const second = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    expect(second.text).toBe(first.text);
    for (const res of [first, second]) {
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['surrogate-key']).toBe(`projects/${project.id}`);
      expect(res.text).not.toContain('_csrf');
    }
    const agent = await loginAs(t.app, owner);
    const mine = await agent.get(`/projects/${project.id}/passing`).expect(200);
    expect(mine.headers['surrogate-key']).toBeUndefined();
    expect(mine.headers['cache-control']).toBe('private, no-store');
  });
});
