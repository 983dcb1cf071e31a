import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { sectionKeys } from '../../src/presenters/project-view.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const passing = () => t.ctx.criteria.level('passing')!;

/** The HTML of the element with this id, up to the end of the given closing tag. */
function element(html: string, id: string, tag: string): string {
  const start = html.search(new RegExp(`<${tag}[^>]* id="${id}"`));
  expect(start, `element #${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf(`</${tag}>`, start) + tag.length + 3);
}

/** The result in words shown for a criterion. */
function stateOf(html: string, id: string): string {
  const match = new RegExp(`<p class="answer-state[^"]*" id="${id}-state">.*?<span class="status">([^<]*)</span>`, 's').exec(html);
  expect(match, `result of ${id}`).not.toBeNull();
  return match![1]!;
}

async function ownerWithProject(answers: Parameters<typeof createProject>[2] extends infer O ? (O extends { answers?: infer A } ? A : never) : never = {}) {
  const owner = await createUser(t.ctx);
  const project = await createProject(t.ctx, owner, { answers });
  const agent = await loginAs(t.app, owner);
  return { owner, project, agent };
}

describe('section menu', () => {
  it('links every section of the level and shows met/total with a labelled bar, on edit and show pages', async () => {
    const { project, agent } = await ownerWithProject({
      description_good: { status: 3, justification: 'See https://example.org/about' },
      // Met without the URL the criterion asks for does not count.
      contribution: { status: 3, justification: 'We take pull requests.' },
    });
    const level = passing();
    const keys = sectionKeys(level);
    const basics = level.sections[0]!;
    const basicsTotal = basics.groups.flatMap((g) => g.criteria).filter((c) => level.active.includes(c)).length;
    for (const path of [`/projects/${project.id}/passing/edit`, `/projects/${project.id}/passing`]) {
      const res = await agent.get(path).expect(200);
      const menu = /<nav class="section-menu"[^>]*>.*?<\/nav>/s.exec(res.text)![0];
      for (const key of keys) {
        expect(menu).toContain(`href="#section-${key}"`);
        expect(res.text).toMatch(new RegExp(`<section class="form-section" id="section-${key}"`));
      }
      expect(menu).toContain(`<progress max="${basicsTotal}" value="1" aria-label="Basics: 1 of ${basicsTotal} criteria count">1/${basicsTotal}</progress>`);
      expect(menu).toContain(`<span class="section-count" aria-hidden="true">1/${basicsTotal}</span>`);
      // Sections collapse without script.
      expect(res.text.match(/<details class="panel" open>/g)).toHaveLength(level.sections.length);
    }
    const edit = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect(edit.text).toContain('href="#section-project"');
    expect(edit.text).toMatch(/<section class="form-section" id="section-project"/);
  });

  it('has a save bar at the end of every section whose "Save and continue" posts the section', async () => {
    const { project, agent } = await ownerWithProject();
    const res = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    for (const key of ['project', ...sectionKeys(passing())]) {
      expect(res.text).toContain(`<button class="primary" type="submit" name="section" value="${key}">Save and continue</button>`);
    }
    expect(res.text.match(/<div class="save-bar">/g)).toHaveLength(passing().sections.length + 1);
  });
});

describe('?show=open filter', () => {
  it('renders only the criteria that do not count yet, with a way back to all', async () => {
    const { project, agent } = await ownerWithProject({
      description_good: { status: 3, justification: 'See https://example.org/about' },
      floss_license: { status: 3, justification: null },
      contribution: { status: 3, justification: 'No URL here.' },
    });
    const level = passing();
    const path = `/projects/${project.id}/passing/edit`;
    const res = await agent.get(`${path}?show=open`).expect(200);
    expect(res.text.match(/<fieldset class="criterion/g)).toHaveLength(level.criteria.length - 2);
    expect(res.text).not.toContain('id="description_good"');
    expect(res.text).not.toContain('id="floss_license"');
    expect(res.text).toContain('id="contribution"');
    expect(res.text).toContain(`<a href="${path}?show=open" aria-current="page">Only criteria that do not count yet (${level.criteria.length - 2})</a>`);
    expect(res.text).toContain(`<a href="${path}">Show all criteria</a>`);
    expect(res.text).toContain('2 criteria of this section already count and are not shown.');
    // The descriptive fields are not among the open criteria.
    expect(res.text).not.toContain('id="section-project"');

    const all = await agent.get(path).expect(200);
    expect(all.text.match(/<fieldset class="criterion/g)).toHaveLength(level.criteria.length);
    expect(all.text).toContain(`<a href="${path}" aria-current="page">All criteria</a>`);

    const show = await request(t.app).get(`/projects/${project.id}/passing?show=open`).expect(200);
    expect(show.text.match(/<li class="criterion/g)).toHaveLength(level.criteria.length - 2);
  });
});

describe('save and continue', () => {
  it('returns to the saved section with the confirmation there, focusable and carrying the anchor', async () => {
    const { project, agent } = await ownerWithProject();
    const path = `/projects/${project.id}/passing/edit`;
    const page = await agent.get(path).expect(200);
    const key = sectionKeys(passing())[1]!;
    await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: '0', section: key, interact_status: 'Met', interact_justification: 'Via https://example.org/issues' })
      .expect(303)
      .expect('location', `${path}#section-${key}`);
    const res = await agent.get(path).expect(200);
    // The confirmation is inside the section it belongs to, and only there.
    expect(res.text.match(/Your answers have been saved\./g)).toHaveLength(1);
    const section = element(res.text, `section-${key}-heading`, 'h2');
    expect(section).toBeTruthy();
    expect(res.text).toMatch(
      new RegExp(`<section class="form-section" aria-labelledby="section-${key}-heading"><div class="flash flash-success section-flash" id="section-${key}" role="status" tabindex="-1">Your answers have been saved.</div>`),
    );
    expect((await t.db.projects.findById(project.id))!.answers.interact).toEqual({ status: 3, justification: 'Via https://example.org/issues' });
  });

  it('keeps the old contract: after=continue without a section, after=exit, and an unknown section', async () => {
    const { project, agent } = await ownerWithProject();
    const path = `/projects/${project.id}/passing/edit`;
    const token = csrfFrom((await agent.get(path)).text);
    await agent.post(path).type('form').send({ _csrf: token, lock_version: '0', after: 'continue' }).expect(303).expect('location', path);
    const top = await agent.get(path).expect(200);
    expect(top.text).toMatch(/<main id="main"><div class="flash flash-success" role="status">Your answers have been saved\.<\/div>/);
    await agent.post(path).type('form').send({ _csrf: token, lock_version: '1', section: 'no-such-section' }).expect(303).expect('location', path);
    await agent.post(path).type('form').send({ _csrf: token, lock_version: '2', section: '"><script>' }).expect(303).expect('location', path);
    await agent.post(path).type('form').send({ _csrf: token, lock_version: '3', after: 'exit', section: 'basics' }).expect(303).expect('location', `/projects/${project.id}/passing`);
  });

  it('returns to the descriptive fields when they were saved from there', async () => {
    const { project, agent } = await ownerWithProject();
    const path = `/projects/${project.id}/passing/edit`;
    const token = csrfFrom((await agent.get(path)).text);
    await agent.post(path).type('form').send({ _csrf: token, lock_version: '0', section: 'project', name: 'Renamed' }).expect(303).expect('location', `${path}#section-project`);
    // The descriptive fields exist only on the first metal level.
    await agent.post(`/projects/${project.id}/silver/edit`).type('form').send({ _csrf: token, lock_version: '1', section: 'project' }).expect(303).expect('location', `/projects/${project.id}/silver/edit`);
  });
});

describe('answer results in words', () => {
  it('names each case the scoring engine distinguishes, on edit and show pages', async () => {
    const na = passing().criteria.find((c) => c.na_allowed && !c.na_justification_required)!;
    const naJustified = passing().criteria.find((c) => c.na_allowed && c.na_justification_required);
    const metJustified = passing().criteria.find((c) => c.met_justification_required && !c.met_url_required);
    const { project, agent } = await ownerWithProject({
      description_good: { status: 3, justification: 'See https://example.org/about' },
      contribution: { status: 3, justification: 'We take pull requests.' },
      contribution_requirements: { status: 1, justification: null },
      floss_license_osi: { status: 1, justification: null },
      floss_license: { status: 1, justification: null },
      interact: { status: 0, justification: 'Thinking about it.' },
      [na.id]: { status: 2, justification: null },
      ...(naJustified ? { [naJustified.id]: { status: 2, justification: null } } : {}),
      ...(metJustified ? { [metJustified.id]: { status: 3, justification: null } } : {}),
    });
    for (const path of [`/projects/${project.id}/passing/edit`, `/projects/${project.id}/passing`]) {
      const html = (await agent.get(path).expect(200)).text;
      expect(stateOf(html, 'description_good')).toBe('Met');
      expect(stateOf(html, 'contribution')).toBe('Met — needs a URL');
      expect(stateOf(html, 'contribution_requirements')).toBe('Unmet — needs a justification');
      expect(stateOf(html, 'floss_license_osi')).toBe('Unmet — counts for this criterion');
      expect(stateOf(html, 'floss_license')).toBe('Unmet');
      expect(stateOf(html, 'interact')).toBe('Not answered');
      expect(stateOf(html, na.id)).toBe('Not applicable');
      if (naJustified) expect(stateOf(html, naJustified.id)).toBe('Not applicable — needs a justification');
      if (metJustified) expect(stateOf(html, metJustified.id)).toBe('Met — needs a justification');
      expect(html).not.toMatch(/<span class="status">\?<\/span>/);
    }
  });

  it('names the "?" answer "Unknown" for assistive technology', async () => {
    const { project, agent } = await ownerWithProject();
    const html = (await agent.get(`/projects/${project.id}/passing/edit`).expect(200)).text;
    expect(html).toContain('<label for="interact_status_unknown"><span aria-hidden="true">?</span><span class="visually-hidden">Unknown</span></label>');
  });
});

describe('justification box', () => {
  it('stays for a met_suppress criterion answered Met, with a hint that it is optional', async () => {
    const suppressed = passing().criteria.find((c) => c.met_suppress)!;
    const { project, agent } = await ownerWithProject({ [suppressed.id]: { status: 3, justification: null } });
    const html = (await agent.get(`/projects/${project.id}/passing/edit`).expect(200)).text;
    const fieldset = element(html, suppressed.id, 'fieldset');
    expect(fieldset).toContain(`<textarea id="${suppressed.id}_justification" name="${suppressed.id}_justification"`);
    expect(fieldset).toContain(`<p class="hint" id="${suppressed.id}_justification-hint">A justification is optional when the answer is Met; add one when you change the answer.</p>`);
    expect(fieldset).toMatch(new RegExp(`<textarea id="${suppressed.id}_justification"[^>]* aria-describedby="${suppressed.id}_justification-hint"`));
    // Changing Met to Unmet with an explanation is one save.
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(html), lock_version: '0', [`${suppressed.id}_status`]: 'Unmet', [`${suppressed.id}_justification`]: 'The new licence is not OSI approved yet.' })
      .expect(303);
    expect((await t.db.projects.findById(project.id))!.answers[suppressed.id]).toEqual({ status: 1, justification: 'The new licence is not OSI approved yet.' });
  });
});

describe('errors', () => {
  it('links the summary to the fields and ties inline errors to them with aria-describedby', async () => {
    const { project, agent } = await ownerWithProject();
    const path = `/projects/${project.id}/passing/edit`;
    const page = await agent.get(path);
    const res = await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: '0', interact_status: 'Maybe', license_location_justification: 'j'.repeat(8193), cpe: 'nope' })
      .expect(422);
    const summary = /<div class="form-errors"[^>]*>.*?<\/div>/s.exec(res.text)![0];
    expect(summary).toContain('<a href="#interact_status_met">Answer to [interact]</a>');
    expect(summary).toContain('<a href="#license_location_justification">Justification of [license_location]</a>');
    expect(summary).toContain('<a href="#cpe">CPE name</a>');

    expect(res.text).toMatch(/<input type="radio" id="interact_status_met"[^>]* aria-invalid="true" aria-describedby="interact_status-error-0"/);
    expect(res.text).toMatch(/<p class="error-message" id="interact_status-error-0">/);
    expect(res.text).toMatch(/<textarea id="license_location_justification"[^>]* aria-invalid="true" aria-describedby="license_location_justification-error-0"/);
    expect(res.text).toMatch(/<p class="error-message" id="license_location_justification-error-0">/);
    expect(res.text).toMatch(/<input id="cpe"[^>]* aria-invalid="true" aria-describedby="cpe-hint cpe-error-0"/);
    expect(res.text).toMatch(/<p class="error-message" id="cpe-error-0">A CPE name must start with &quot;cpe:&quot;\.<\/p>/);
  });
});
