import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { UnreadableProject } from '../../src/domain/errors.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;
const log: string[] = [];

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'error' }, { logDestination: { write: (line) => log.push(line) } });
});

afterAll(async () => {
  await t.close();
});

async function storedAnswers(id: number): Promise<string> {
  const { rows } = await t.db.pool.query<{ answers: string }>('SELECT answers::text AS answers, lock_version FROM projects WHERE id = $1', [id]);
  return rows[0]!.answers;
}

describe('a project whose stored answers cannot be read', () => {
  it('fails loudly for that project only and can never be saved over', async () => {
    const [first, second] = t.ctx.criteria.level('passing')!.criteria;
    const owner = await createUser(t.ctx);
    const broken = await createProject(t.ctx, owner, {
      answers: { [first!.id]: { status: STATUS.met, justification: 'We document it.' }, [second!.id]: { status: STATUS.unmet, justification: null } },
    });
    const healthy = await createProject(t.ctx, owner, { answers: { [first!.id]: { status: STATUS.met, justification: 'Fine.' } } });
    // One criterion of the wrong shape, as a hand edit or a faulty migration could leave it.
    await t.db.pool.query(`UPDATE projects SET answers = jsonb_set(answers, $1, '{"status": "Met", "justification": 5}') WHERE id = $2`, [`{${second!.id}}`, broken.id]);
    const before = await storedAnswers(broken.id);

    await expect(t.db.projects.findById(broken.id)).rejects.toBeInstanceOf(UnreadableProject);

    log.length = 0;
    const page = await request(t.app).get(`/projects/${broken.id}/passing`).expect(500);
    expect(page.text).not.toContain('We document it.');
    expect(log.join('')).toContain(`The answers of project ${broken.id} cannot be read`);
    expect(log.join('')).toContain(second!.id);

    const agent = await loginAs(t.app, owner);
    await agent.get(`/projects/${broken.id}/passing/edit`).expect(500);
    const token = await csrfFor(agent);
    await agent
      .post(`/projects/${broken.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: '0', [`${first!.id}_status`]: 'Unmet', [`${first!.id}_justification`]: 'overwritten' })
      .expect(500);
    await agent.get(`/projects/${broken.id}.json`).expect(500);
    expect(await storedAnswers(broken.id)).toBe(before);
    const { rows } = await t.db.pool.query<{ lock_version: number }>('SELECT lock_version FROM projects WHERE id = $1', [broken.id]);
    expect(rows[0]!.lock_version).toBe(0);

    // Every other project keeps working, saves included.
    await request(t.app).get(`/projects/${healthy.id}/passing`).expect(200);
    await agent
      .post(`/projects/${healthy.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: '0', [`${second!.id}_status`]: 'Met', [`${second!.id}_justification`]: 'Done.' })
      .expect(303);
    expect((await t.db.projects.findById(healthy.id))!.answers[second!.id]).toEqual({ status: STATUS.met, justification: 'Done.' });

    // Lists and the bulk export leave the unreadable project out (logged) and serve the others.
    log.length = 0;
    const list = await request(t.app).get('/projects.json').query({ ids: `${broken.id},${healthy.id}` }).expect(200);
    expect((list.body as { id: number }[]).map((p) => p.id)).toEqual([healthy.id]);
    const exported = await request(t.app).get('/projects.json').query({ all: '1' }).expect(200);
    expect((exported.body as { id: number }[]).map((p) => p.id)).toContain(healthy.id);
    expect((exported.body as { id: number }[]).map((p) => p.id)).not.toContain(broken.id);
    await request(t.app).get('/projects').expect(200);
    expect(log.join('')).toContain('project left out of a list or export');
    expect(await storedAnswers(broken.id)).toBe(before);
  });
});
