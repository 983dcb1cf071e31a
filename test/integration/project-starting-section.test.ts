import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const createdId = (location: string, level: string) => Number(new RegExp(`^/projects/(\\d+)/${level}/edit$`).exec(location)?.[1]);

describe('POST /projects with a starting series (upstream starting_section)', () => {
  it('offers passing (checked) and baseline-1 on the new-project form', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const res = await agent.get('/projects/new').expect(200);
    expect(res.text).toMatch(/<input type="radio" id="starting_section-passing" name="starting_section" value="passing" checked/);
    expect(res.text).toMatch(/<input type="radio" id="starting_section-baseline-1" name="starting_section" value="baseline-1"(?! checked)/);
    expect(res.text).toContain('<legend>Where to start</legend>');
    // Only the first level of each series is offered.
    expect(res.text).not.toContain('value="silver"');
    expect(res.text).not.toContain('value="baseline-2"');
  });

  it('lands on the baseline-1 edit page when baseline-1 was chosen, and the page opens', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const res = await agent
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent), repo_url: 'https://example.org/start/baseline', name: 'Baseline first', starting_section: 'baseline-1' })
      .expect(303);
    const id = createdId(res.headers.location!, 'baseline-1');
    expect(id).toBeGreaterThan(0);
    expect(await t.db.projects.findById(id)).toMatchObject({ name: 'Baseline first', baselineTieredPercentage: 0 });
    const edit = await agent.get(res.headers.location!).expect(200);
    expect(edit.text).toContain('OSPS-AC-01.01');
  });

  it('lands on the passing edit page when passing was chosen or nothing was', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const chosen = await agent
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent), repo_url: 'https://example.org/start/passing', starting_section: 'passing' })
      .expect(303);
    expect(createdId(chosen.headers.location!, 'passing')).toBeGreaterThan(0);
    const omitted = await agent.post('/projects').type('form').send({ _csrf: await csrfFor(agent), repo_url: 'https://example.org/start/none' }).expect(303);
    expect(createdId(omitted.headers.location!, 'passing')).toBeGreaterThan(0);
  });

  it('accepts the choice in a JSON body too', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const res = await agent
      .post('/projects')
      .set('x-csrf-token', await csrfFor(agent))
      .send({ repo_url: 'https://example.org/start/json', starting_section: 'baseline-1' })
      .expect(303);
    expect(createdId(res.headers.location!, 'baseline-1')).toBeGreaterThan(0);
  });

  it.each([
    ['a higher level', 'baseline-2'],
    ['a metal level above passing', 'silver'],
    ['an unknown name', 'platinum'],
    ['an empty value', ''],
  ])('refuses %s with a message on the form, keeps the other fields and stores nothing', async (_label, value) => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const before = await t.db.projects.count();
    const res = await agent
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent), repo_url: `https://example.org/start/bad-${value || 'empty'}`, name: 'Kept', starting_section: value })
      .expect(422);
    expect(res.text).toContain('Choose one of the offered starting levels.');
    expect(res.text).toContain('aria-describedby="starting_section-error"');
    // The summary at the top links to the choice.
    expect(res.text).toContain('<a href="#starting_section">Where to start</a>');
    expect(res.text).toContain('<fieldset class="field starting-section field-error" id="starting_section"');
    expect(res.text).toContain('value="Kept"');
    // The default is checked again rather than the refused value.
    expect(res.text).toMatch(/value="passing" checked/);
    expect(await t.db.projects.count()).toBe(before);
  });

  it('refuses a list of values (a repeated field) without a 500', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    const res = await agent
      .post('/projects')
      .set('x-csrf-token', await csrfFor(agent))
      .send({ repo_url: 'https://example.org/start/array', starting_section: ['passing', 'baseline-1'] })
      .expect(422);
    expect(res.text).toContain('Choose one of the offered starting levels.');
  });
});
