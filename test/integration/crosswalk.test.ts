import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { StoredAnswers } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const MET = 3;
const UNMET = 1;
const NA = 2;

/** Passing answers that the crosswalk carries to baseline-1 (sites_https → OSPS-BR-03.01 and so on). */
const passingAnswers: StoredAnswers = {
  sites_https: { status: MET, justification: 'All our sites use HTTPS only.' },
  documentation_basics: { status: MET, justification: null },
  report_process: { status: MET, justification: 'See SECURITY.md.' },
  // Its baseline counterpart (OSPS-DO-02.01) already has a different answer, which must stay.
  vulnerability_report_private: { status: NA, justification: 'No private reports.' },
  osps_do_02_01: { status: UNMET, justification: 'We have no such process yet.' },
};

async function historyRows(projectId: number): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM project_changes WHERE project_id = $1', [projectId]);
  return Number(rows[0]!.n);
}

describe('crosswalk beside each criterion', () => {
  it('lists the mapped criteria of the other series with links and their current answers on show and edit pages', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: passingAnswers });
    const show = await request(t.app).get(`/projects/${project.id}/baseline-1`).expect(200);
    // OSPS-BR-03.01 is mapped from sites_https, answered Met.
    const item = /<li class="criterion[^"]*" id="osps_br_03_01">[\s\S]*?<\/li>\s*<\/ul>\s*<\/details>/.exec(show.text)?.[0] ?? '';
    expect(item).toContain('<details class="crosswalk" id="osps_br_03_01-crosswalk">');
    expect(item).toContain(`<a href="/projects/${project.id}/passing#sites_https">sites_https</a>`);
    expect(item).toMatch(/crosswalk-met">Met</);

    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    const field = /<fieldset class="criterion[^"]*" id="sites_https"[\s\S]*?<\/fieldset>/.exec(edit.text)?.[0] ?? '';
    expect(field).toContain(`href="/projects/${project.id}/baseline-1/edit#osps_br_03_01">OSPS-BR-03.01</a>`);
    // Not answered on the baseline side yet.
    expect(field).toMatch(/crosswalk-unknown">Unknown</);
  });

  it('shows the baseline badge in the header of baseline pages and the metal badge on metal pages', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const baseline = await request(t.app).get(`/projects/${project.id}/baseline-1`).expect(200);
    expect(baseline.text).toMatch(new RegExp(`<p class="project-badge"><img src="/projects/${project.id}/baseline"`));
    const passing = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    expect(passing.text).toMatch(new RegExp(`<p class="project-badge"><img src="/projects/${project.id}/badge"`));
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/baseline-2/edit`).expect(200);
    expect(edit.text).toMatch(new RegExp(`<p class="project-badge"><img src="/projects/${project.id}/baseline"`));
  });
});

describe('POST /projects/:id/:level/crosswalk (copy answers from the mapped criteria)', () => {
  it('fills blank answers only, names the source in the justification, and saves once', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: passingAnswers });
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    expect(edit.text).toContain(`action="/projects/${project.id}/baseline-1/crosswalk"`);
    const before = await historyRows(project.id);

    const res = await agent
      .post(`/projects/${project.id}/baseline-1/crosswalk`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion) })
      .expect(200);

    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.answers.osps_br_03_01).toEqual({ status: MET, justification: 'All our sites use HTTPS only. [sites_https]' });
    // A source without a justification still names itself.
    expect(saved.answers.osps_do_01_01?.status).toBe(MET);
    expect(saved.answers.osps_do_01_01?.justification).toContain('documentation_basics');
    // Never overwritten.
    expect(saved.answers.osps_do_02_01).toEqual(passingAnswers.osps_do_02_01);
    // Only this level's blanks: baseline-2's controls stay unanswered.
    expect(saved.answers.osps_br_04_01).toBeUndefined();
    expect(saved.lockVersion).toBe(project.lockVersion + 1);
    expect(saved.baseline1Saved).toBe(true);
    expect(saved.badgePercentageBaseline1).toBeGreaterThan(project.badgePercentageBaseline1 ?? 0);
    expect(await historyRows(project.id)).toBe(before + 1);

    const copied = /<ul class="crosswalk-copied">[\s\S]*?<\/ul>/.exec(res.text)?.[0] ?? '';
    expect(copied).toContain('OSPS-BR-03.01');
    expect(copied).toContain('All our sites use HTTPS only. [sites_https]');
    const skipped = /<ul class="crosswalk-skipped">[\s\S]*?<\/ul>/.exec(res.text)?.[0] ?? '';
    expect(skipped).toMatch(/OSPS-DO-02.01<\/a>: already answered; the answer is kept/);
    expect(skipped).toMatch(/OSPS-AC-01.01<\/a>: none of its mapped criteria has an answer that applies yet/);
  });

  it('applies the cross-status rules of the crosswalk (metal N/A → baseline Unmet)', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: { vulnerability_report_private: { status: NA, justification: 'No private reports.' } } });
    const rule = (await import('../../src/services/automation/crosswalk-copy.ts')).crosswalkFor(t.ctx.criteria).metalToBaseline.find((r) => r.from === 'vulnerability_report_private' && r.to === 'osps_vm_03_01');
    expect(rule?.when[NA]?.status).toBe(UNMET);
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/baseline-2/edit`).expect(200);
    await agent.post(`/projects/${project.id}/baseline-2/crosswalk`).type('form').send({ _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion) }).expect(200);
    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.answers.osps_vm_03_01).toEqual({ status: UNMET, justification: 'No private reports. [vulnerability_report_private]' });
  });

  it('copies baseline answers to the metal series too', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: { osps_br_03_01: { status: MET, justification: 'HTTPS everywhere.' } } });
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    await agent.post(`/projects/${project.id}/passing/crosswalk`).type('form').send({ _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion) }).expect(200);
    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.answers.sites_https).toEqual({ status: MET, justification: 'HTTPS everywhere. [OSPS-BR-03.01]' });
  });

  it('writes nothing and says so when there is nothing to copy', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    const res = await agent.post(`/projects/${project.id}/baseline-1/crosswalk`).type('form').send({ _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion) }).expect(200);
    expect(res.text).toContain('No unanswered criterion could be filled; nothing was saved.');
    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.lockVersion).toBe(project.lockVersion);
    expect(await historyRows(project.id)).toBe(0);
  });

  it('refuses a stale form with 409 and changes nothing', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: passingAnswers });
    const agent = await loginAs(t.app, owner);
    const edit = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    const res = await agent
      .post(`/projects/${project.id}/baseline-1/crosswalk`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion + 5) })
      .expect(409);
    expect(res.text).toContain('nothing was copied');
    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.answers.osps_br_03_01).toBeUndefined();
    expect(saved.lockVersion).toBe(project.lockVersion);
  });

  it('needs a login, the edit right and the CSRF token', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: passingAnswers });
    const anonymous = await request(t.app).post(`/projects/${project.id}/baseline-1/crosswalk`).type('form').send({ lock_version: '0' });
    expect(anonymous.status).not.toBe(200);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    const page = await stranger.get('/projects/new').expect(200);
    await stranger.post(`/projects/${project.id}/baseline-1/crosswalk`).type('form').send({ _csrf: csrfFrom(page.text), lock_version: '0' }).expect(403);
    const agent = await loginAs(t.app, owner);
    const noToken = await agent.post(`/projects/${project.id}/baseline-1/crosswalk`).type('form').send({ lock_version: '0' });
    expect(noToken.status).toBe(403);
    expect((await t.db.projects.findById(project.id))!.answers.osps_br_03_01).toBeUndefined();
  });
});

describe('level changes on baseline saves', () => {
  function allAnswers(level: string): Record<string, string> {
    const form: Record<string, string> = {};
    for (const c of t.ctx.criteria.level(level)!.criteria) {
      form[`${c.id}_status`] = 'Met';
      form[`${c.id}_justification`] = `See https://example.org/evidence/${c.id} for details.`;
    }
    return form;
  }

  it('announces the baseline level gained on a baseline page and mails the /baseline badge snippet', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    await agent
      .post(`/projects/${project.id}/baseline-1/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: String(project.lockVersion), after: 'exit', ...allAnswers('baseline-1') })
      .expect(303);
    const show = await agent.get(`/projects/${project.id}/baseline-1`).expect(200);
    expect(show.text).toContain('Congratulations! The project has earned the Baseline Level 1 badge.');
    const mail = await waitForMail(t.mail, owner.email!, (m) => m.subject.includes('earned the') && m.text.includes(`/projects/${project.id}/baseline`));
    expect(mail.text).toContain(`/projects/${project.id}/baseline)`);

    // Losing it again on the baseline page is a loss of the baseline series.
    const again = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    const first = t.ctx.criteria.level('baseline-1')!.criteria[0]!.id;
    await agent
      .post(`/projects/${project.id}/baseline-1/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text), lock_version: String(project.lockVersion + 1), after: 'exit', [`${first}_status`]: 'Unmet', [`${first}_justification`]: 'Not any more.' })
      .expect(303);
    const lost = await agent.get(`/projects/${project.id}/baseline-1`).expect(200);
    expect(lost.text).toContain('no longer meets every criterion of its former badge level');
  });
});
