import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressTone } from '../../src/presenters/project-view.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, loginAs } from '../support/factories.ts';

/**
 * The show and edit pages carry the level's colour: a dot before the level heading, and progress
 * bars (level tabs, section menu) whose colour class is the badge's for that percentage
 * (test/unit/progress-colours.test.ts holds the classes to the badge colours).
 */

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('level colours on the project pages', () => {
  it('show the level dot and colour the bars by percentage, complete sections in the level colour', async () => {
    const owner = await createUser(t.ctx);
    const passing = t.ctx.criteria.level('passing')!;
    const basics = passing.sections[0]!.groups.flatMap((g) => g.criteria);
    const answers = Object.fromEntries(basics.map((c) => [c.id, { status: 3 as const, justification: 'Documented at https://example.org/docs/answer' }]));
    const project = await createProject(t.ctx, owner, { answers });
    const agent = await loginAs(t.app, owner);
    const id = String(project.id);

    const show = await agent.get(`/projects/${id}/passing`).expect(200);
    expect(show.text).toMatch(/<h2 class="level-heading level-passing">/);
    const edit = await agent.get(`/projects/${id}/passing/edit`).expect(200);
    expect(edit.text).toMatch(/<span class="subtitle level-heading level-passing">/);

    for (const page of [show.text, edit.text]) {
      const sections = [...page.matchAll(/<span class="section-progress ([^"]+)"/g)].map((m) => m[1]!.split(' '));
      expect(sections).toHaveLength(passing.sections.length);
      // Basics is complete: the level's colour, from the level class on the same element.
      expect(sections[0]).toEqual(expect.arrayContaining(['progress-complete', 'tone-level', 'level-passing']));
      for (const rest of sections.slice(1)) expect(rest).toEqual(expect.arrayContaining(['progress-none', 'tone-0', 'level-passing']));
      // The passing tab: the in-progress colour for its percentage; the baseline tabs their own.
      const percent = Number(/<li class="level-passing (tone-\d+)[^"]*" data-series="metal">[^]*?<progress max="100" value="(\d+)"/.exec(page)![2]);
      expect(percent).toBeGreaterThan(0);
      expect(page).toContain(`<li class="level-passing ${progressTone('metal', percent)} current" data-series="metal">`);
      expect(page).toContain('<li class="level-baseline-1 tone-baseline" data-series="baseline">');
    }

    const baseline = await request(t.app).get(`/projects/${id}/baseline-1`).expect(200);
    expect(baseline.text).toMatch(/<h2 class="level-heading level-baseline-1">/);
    expect(baseline.text).toMatch(/<span class="section-progress progress-none tone-baseline level-baseline-1"/);
  });
});
