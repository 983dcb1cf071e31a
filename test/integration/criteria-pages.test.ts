import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { displayId, type Level } from '../../src/criteria/index.ts';
import { criterionFlags } from '../../src/presenters/criteria-page.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createUser, loginAs } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const count = (html: string, needle: RegExp) => [...html.matchAll(needle)].length;
const criterionItems = (html: string, level?: string) => count(html, level ? new RegExp(`<li class="criterion" id="${level}-[^"]+" data-level="${level}"`, 'g') : /<li class="criterion"/g);
const flagsIn = (levels: Level[], flag: string) => levels.reduce((n, l) => n + l.criteria.filter((c) => criterionFlags(c).includes(flag as never)).length, 0);

describe('GET /criteria', () => {
  it('lists every criterion of every level, anonymously and without a cookie', async () => {
    const res = await request(t.app).get('/criteria').expect(200).expect('Content-Type', /text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
    const levels = t.ctx.criteria.levels;
    expect(criterionItems(res.text)).toBe(levels.reduce((n, l) => n + l.criteria.length, 0));
    for (const level of levels) {
      expect(criterionItems(res.text, level.key)).toBe(level.criteria.length);
      expect(res.text).toContain(`id="level-${level.key}"`);
    }
    // Baseline ids are shown in their OSPS form.
    const baseline = t.ctx.criteria.series('baseline')[0]!.criteria[0]!;
    expect(res.text).toContain(`[${displayId(baseline)}]`);
    expect(displayId(baseline)).toMatch(/^OSPS-/);
  });

  it('shows each flag as a badge, as often as the loaded criteria have it', async () => {
    const res = await request(t.app).get('/criteria').expect(200);
    const levels = t.ctx.criteria.levels;
    for (const flag of ['url_required', 'justification_required', 'na_allowed', 'na_justification_required', 'future', 'obsolete']) {
      expect(count(res.text, new RegExp(`class="flag flag-${flag}"`, 'g')), flag).toBe(flagsIn(levels, flag));
    }
    expect(res.text).toContain('URL required');
    expect(res.text).toContain('N/A needs justification');
  });

  it('has a Criteria link in the navigation', async () => {
    const res = await request(t.app).get('/en').expect(200);
    expect(res.text).toContain('href="/en/criteria"');
  });

  it('keeps the navigation of a signed-in user', async () => {
    const user = await createUser(t.ctx, { name: 'Criteria Reader' });
    const agent = await loginAs(t.app, user);
    const res = await agent.get('/criteria/passing').expect(200);
    expect(res.text).toContain('Signed in as Criteria Reader');
  });
});

describe('GET /criteria/:level', () => {
  it.each(['passing', 'silver', 'gold', 'baseline-1', 'baseline-2', 'baseline-3'])('renders only the criteria of %s', async (key) => {
    const level = t.ctx.criteria.level(key)!;
    const res = await request(t.app).get(`/criteria/${key}`).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(criterionItems(res.text)).toBe(level.criteria.length);
    expect(criterionItems(res.text, key)).toBe(level.criteria.length);
    for (const flag of ['url_required', 'justification_required', 'na_allowed', 'na_justification_required']) {
      expect(count(res.text, new RegExp(`class="flag flag-${flag}"`, 'g')), flag).toBe(flagsIn([level], flag));
    }
  });

  it('shows details and rationale only when asked', async () => {
    const level = t.ctx.criteria.level('passing')!;
    const withDetails = level.criteria.filter((c) => c.details).length;
    const withRationale = level.criteria.filter((c) => c.rationale).length;
    expect(withDetails).toBeGreaterThan(0);
    expect(withRationale).toBeGreaterThan(0);

    const plain = await request(t.app).get('/criteria/passing').expect(200);
    expect(count(plain.text, /class="criterion-details"/g)).toBe(0);
    expect(count(plain.text, /class="criterion-rationale"/g)).toBe(0);
    expect(plain.text).toContain('href="/criteria/passing?details=true"');

    const details = await request(t.app).get('/criteria/passing?details=true').expect(200);
    expect(count(details.text, /class="criterion-details"/g)).toBe(withDetails);
    expect(count(details.text, /class="criterion-rationale"/g)).toBe(0);
    expect(details.text).toContain('Hide details');

    const both = await request(t.app).get('/criteria/passing?details=1&rationale=true').expect(200);
    expect(count(both.text, /class="criterion-details"/g)).toBe(withDetails);
    expect(count(both.text, /class="criterion-rationale"/g)).toBe(withRationale);

    const off = await request(t.app).get('/criteria/passing?details=yes').expect(200);
    expect(count(off.text, /class="criterion-details"/g)).toBe(0);
  });

  it.each([
    ['0', 'passing'],
    ['1', 'silver'],
    ['2', 'gold'],
    ['bronze', 'passing'],
  ])('redirects the legacy level %s to %s permanently, keeping the toggles', async (legacy, key) => {
    const res = await request(t.app).get(`/criteria/${legacy}?details=true`).expect(301);
    expect(res.headers.location).toBe(`/criteria/${key}?details=true`);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 404 for an unknown level without echoing it', async () => {
    const res = await request(t.app).get('/criteria/platinum-xyz').expect(404);
    expect(res.text).not.toContain('platinum-xyz');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('every baseline control shows its own flags (upstream issue #3017)', () => {
  /** The rendered list item of one criterion on a criteria page. */
  const item = (html: string, level: string, id: string) => new RegExp(`<li class="criterion" id="${level}-${id}"[\\s\\S]*?</ul>`).exec(html)?.[0] ?? '';

  it.each(['baseline-1', 'baseline-2', 'baseline-3'])('on /criteria/%s and on /criteria: MUST, N/A allowed, N/A needs justification', async (key) => {
    const level = t.ctx.criteria.level(key)!;
    const own = await request(t.app).get(`/criteria/${key}`).expect(200);
    const all = await request(t.app).get('/criteria').expect(200);
    expect(level.criteria.length).toBe({ 'baseline-1': 24, 'baseline-2': 19, 'baseline-3': 21 }[key]);
    for (const c of level.criteria) {
      for (const html of [own.text, all.text]) {
        const li = item(html, key, c.id);
        expect(li, c.id).toContain(`[${displayId(c)}]`);
        const shown = [...li.matchAll(/<li class="(category category-[a-z]+|flag flag-[a-z_]+)">([^<]+)<\/li>/g)].map((m) => m[2]);
        expect(shown, c.id).toEqual(['MUST', 'N/A allowed', 'N/A needs justification']);
      }
    }
  });
});

describe('criterionFlags', () => {
  it('names every flag that is set, in display order', () => {
    const base = t.ctx.criteria.level('passing')!.criteria[0]!;
    const all = { ...base, met_url_required: true, met_justification_required: true, na_allowed: true, na_justification_required: true, future: true, obsolete: true };
    expect(criterionFlags(all)).toEqual(['url_required', 'justification_required', 'na_allowed', 'na_justification_required', 'future', 'obsolete']);
    const none = { ...base, met_url_required: false, met_justification_required: false, na_allowed: false, na_justification_required: false, future: false, obsolete: false };
    expect(criterionFlags(none)).toEqual([]);
  });
});
