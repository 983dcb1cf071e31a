import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../../src/app.ts';
import type { BadgesRepo } from '../../src/db/badges.ts';
import type { StoredAnswers } from '../../src/db/types.ts';
import { BASELINE_LABEL, renderBadgeSvg, type BadgeValue } from '../../src/services/badge.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { until } from '../support/poll.ts';

/**
 * The OSPS Baseline badge, `/projects/:id/baseline` (spec §5.2): its images and JSON for each
 * kind of baseline progress, answered by the same fast path, cache and headers as the metal
 * badge, and by the Express route behind it for whatever the fast path leaves alone.
 */
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  await until(() => t.db.badges.trusted);
});

afterAll(async () => {
  await t.close();
});

const controls = (level: string) => t.ctx.criteria.level(level)!.criteria;

/** Met for every control of the listed baseline levels, and for the first `partial` controls of `partialLevel`. */
function baselineAnswers(complete: string[], partial?: { level: string; met: number }): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const level of complete) for (const c of controls(level)) answers[c.id] = { status: STATUS.met, justification: null };
  if (partial) for (const c of controls(partial.level).slice(0, partial.met)) answers[c.id] = { status: STATUS.met, justification: null };
  return answers;
}

function metalPassing(): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const c of controls('passing')) answers[c.id] = { status: STATUS.met, justification: `Evidence: https://example.org/${c.id}` };
  return answers;
}

function text(res: request.Response): string {
  return Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text;
}

/** Header names and values in the order sent; per-response values (id, length, ETag) as placeholders. */
function shape(res: request.Response): string[][] {
  const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
  const list: string[][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (['date', 'connection', 'keep-alive'].includes(name)) continue;
    list.push([name, ['x-request-id', 'content-length', 'etag'].includes(name) ? `<${name}>` : raw[i + 1]!]);
  }
  return list;
}

interface BaselineJson {
  id: number;
  name: string | null;
  updated_at: string;
  badge_level: string;
  badge_percentage: number | null;
}

// baseline-1 has 24 controls: 12 met is 50 %, 23 met rounds to 96 %.
const CASES: Array<[string, BadgeValue, number, string, () => StoredAnswers]> = [
  ['nothing answered', 'baseline-pct-0', 0, '#c45500', () => ({})],
  ['half of baseline-1', 'baseline-pct-50', 50, '#c45500', () => baselineAnswers([], { level: 'baseline-1', met: 12 })],
  ['all but one control of baseline-1', 'baseline-pct-96', 96, '#c45500', () => baselineAnswers([], { level: 'baseline-1', met: 23 })],
  ['baseline-1 complete', 'baseline-1', 100, '#007ec6', () => baselineAnswers(['baseline-1'])],
  ['baseline-1 and half of baseline-2', 'baseline-1', 100, '#007ec6', () => baselineAnswers(['baseline-1'], { level: 'baseline-2', met: 10 })],
  ['baseline-1 and 2 complete', 'baseline-2', 100, '#0066a1', () => baselineAnswers(['baseline-1', 'baseline-2'])],
  ['every baseline level complete', 'baseline-3', 100, '#004b87', () => baselineAnswers(['baseline-1', 'baseline-2', 'baseline-3'])],
  // docs/criteria.md "Baseline badge level": a higher level counts only with every lower one complete.
  ['baseline-2 and 3 complete, baseline-1 half', 'baseline-pct-50', 50, '#c45500', () => baselineAnswers(['baseline-2', 'baseline-3'], { level: 'baseline-1', met: 12 })],
];

describe('GET /projects/:id/baseline', () => {
  it.each(CASES)('%s: the image and JSON of %s', async (_name, value, percentage, colour, answers) => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Baseline project', answers: answers() });
    for (const path of [`/projects/${project.id}/baseline`, `/projects/${project.id}/baseline.svg`]) {
      const res = await request(t.app).get(path).expect(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      const svg = text(res);
      expect(svg).toBe(renderBadgeSvg(value));
      expect(svg).toContain(`fill="${colour}"`);
      const shown = typeof value === 'string' && value.startsWith('baseline-pct-') ? `in progress ${percentage}%` : String(value).slice(-1);
      expect(svg).toContain(`<title>${BASELINE_LABEL}: ${shown}</title>`);
    }
    const json = await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200);
    expect(json.text).toBe(
      JSON.stringify({ id: project.id, name: 'Baseline project', updated_at: project.updatedAt.toISOString(), badge_level: value, badge_percentage: percentage }),
    );
  });

  it('is independent of the metal badge', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: metalPassing() });
    expect(text(await request(t.app).get(`/projects/${project.id}/badge`).expect(200))).toBe(renderBadgeSvg('passing'));
    expect(text(await request(t.app).get(`/projects/${project.id}/baseline`).expect(200))).toBe(renderBadgeSvg('baseline-pct-0'));
    expect((await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200)).body).toMatchObject({ badge_level: 'baseline-pct-0', badge_percentage: 0 });
  });

  it('shows a null baseline-1 percentage as null, as upstream does for rows never scored', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await t.db.pool.query('UPDATE projects SET badge_percentage_baseline_1 = NULL WHERE id = $1', [project.id]);
    // A project not seen before is read on first request, after the update.
    expect((await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200)).body).toMatchObject({ badge_level: 'baseline-pct-0', badge_percentage: null });
  });

  it('takes the four styles and refuses others with 400', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: baselineAnswers(['baseline-1']) });
    for (const style of ['flat', 'flat-square', 'for-the-badge', 'plastic'] as const) {
      expect(text(await request(t.app).get(`/projects/${project.id}/baseline?style=${style}`).expect(200))).toBe(renderBadgeSvg('baseline-1', { style }));
    }
    await request(t.app).get(`/projects/${project.id}/baseline?style=neon`).expect(400);
    // Ignored on the JSON, as for the metal badge.
    await request(t.app).get(`/projects/${project.id}/baseline.json?style=neon`).expect(200);
  });
});

describe('headers: the same as the metal badge', () => {
  it('for the SVG, its HEAD and its 304', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: baselineAnswers(['baseline-1']) });
    const metal = await request(t.app).get(`/projects/${project.id}/badge`).expect(200);
    const res = await request(t.app).get(`/projects/${project.id}/baseline`).expect(200);
    expect(shape(res)).toEqual(shape(metal));
    expect(res.headers['surrogate-key']).toBe(`projects/${project.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text(res))));
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    expect(etag).not.toBe(metal.headers.etag);

    const head = await request(t.app).head(`/projects/${project.id}/baseline.svg`).expect(200);
    expect(shape(head)).toEqual(shape(res));
    expect(head.headers.etag).toBe(etag);
    const notModified = await request(t.app).get(`/projects/${project.id}/baseline`).set('If-None-Match', etag).expect(304);
    const metalNotModified = await request(t.app).get(`/projects/${project.id}/badge`).set('If-None-Match', metal.headers.etag as string).expect(304);
    expect(shape(notModified)).toEqual(shape(metalNotModified));
    expect(notModified.headers.etag).toBe(etag);
    expect(text(notModified)).toBe('');
    // The metal badge's tag does not match the baseline image.
    await request(t.app).get(`/projects/${project.id}/baseline`).set('If-None-Match', metal.headers.etag as string).expect(200);
  });

  it('for the JSON and its 304', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const metal = await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    const res = await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200);
    expect(shape(res)).toEqual(shape(metal));
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const etag = res.headers.etag as string;
    const notModified = await request(t.app).get(`/projects/${project.id}/baseline.json`).set('If-None-Match', etag).expect(304);
    const metalNotModified = await request(t.app).get(`/projects/${project.id}/badge.json`).set('If-None-Match', metal.headers.etag as string).expect(304);
    expect(shape(notModified)).toEqual(shape(metalNotModified));
  });

  it('for the static baseline badges', async () => {
    for (const value of ['baseline-2', 'baseline-pct-7']) {
      const res = await request(t.app).get(`/badge_static/${value}`).expect(200);
      expect(text(res)).toBe(renderBadgeSvg(value === 'baseline-2' ? 'baseline-2' : 'baseline-pct-7'));
      expect(res.headers['surrogate-key']).toBe(`/badge_percent/${value}`);
    }
    for (const value of ['baseline-4', 'baseline-pct-100', 'baseline-pct-07', 'baseline-0']) await request(t.app).get(`/badge_static/${value}`).expect(404);
  });
});

describe('what the fast path leaves to Express', () => {
  it('unknown and deleted-looking ids: 404, an HTML page for the image and JSON for .json', async () => {
    for (const path of ['/projects/999999/baseline', '/projects/999999/baseline.svg', '/projects/0/baseline', '/projects/2147483648/baseline']) {
      const res = await request(t.app).get(path).expect(404);
      expect(res.headers['surrogate-control']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('private, no-store');
    }
    const json = await request(t.app).get('/projects/999999/baseline.json').expect(404);
    expect(json.body).toEqual({ error: 'The project was not found.', details: null });
  });

  it('answers other spellings with the same body, type and surrogate key', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: baselineAnswers(['baseline-1', 'baseline-2']) });
    const fast = await request(t.app).get(`/projects/${project.id}/baseline`).expect(200);
    // Upper case and a percent-encoded digit are matched by Express only.
    const id = String(project.id);
    for (const path of [`/PROJECTS/${id}/BASELINE`, `/projects/%3${id[0]!}${id.slice(1)}/baseline`]) {
      const slow = await request(t.app).get(path).expect(200);
      expect(text(slow)).toBe(text(fast));
      for (const name of ['content-type', 'content-disposition', 'cache-control', 'surrogate-control', 'surrogate-key', 'etag']) expect(slow.headers[name], name).toBe(fast.headers[name]);
    }
    // CORS as on the fast path (src/http/cors.ts matches the lower-case path, as for the metal badge).
    const encoded = await request(t.app).get(`/projects/%3${id[0]!}${id.slice(1)}/baseline`).expect(200);
    for (const name of ['access-control-allow-origin', 'cross-origin-resource-policy']) expect(encoded.headers[name], name).toBe(fast.headers[name]);
    const fastJson = await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200);
    const slowJson = await request(t.app).get(`/PROJECTS/${id}/BASELINE.JSON`).expect(200);
    expect(slowJson.text).toBe(fastJson.text);
    expect(slowJson.headers.etag).toBe(fastJson.headers.etag);
  });

  it('redirects a locale prefix or a trailing slash to the canonical address, and answers CORS preflights', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await request(t.app).get(`/en/projects/${project.id}/baseline`).expect(301).expect('location', `/projects/${project.id}/baseline`);
    await request(t.app).get(`/en/projects/${project.id}/baseline.json`).expect(301).expect('location', `/projects/${project.id}/baseline.json`);
    await request(t.app).get(`/projects/${project.id}/baseline/`).expect(301).expect('location', `/projects/${project.id}/baseline`);
    const preflight = await request(t.app).options(`/projects/${project.id}/baseline.json`).expect(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
  });

  it('with BADGE_CACHE=off reads each answer from the database', async () => {
    const app = createApp({ ...t.ctx, config: { ...t.ctx.config, badgeCacheEnabled: false } });
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: baselineAnswers([], { level: 'baseline-1', met: 12 }) });
    expect(text(await request(app).get(`/projects/${project.id}/baseline`).expect(200))).toBe(renderBadgeSvg('baseline-pct-50'));
    await t.db.pool.query('UPDATE projects SET baseline_tiered_percentage = 100, badge_percentage_baseline_1 = 100 WHERE id = $1', [project.id]);
    expect(text(await request(app).get(`/projects/${project.id}/baseline`).expect(200))).toBe(renderBadgeSvg('baseline-1'));
    expect((await request(app).get(`/projects/${project.id}/baseline.json`).expect(200)).body).toMatchObject({ badge_level: 'baseline-1', badge_percentage: 100 });
  });
});

describe('the shared cache', () => {
  /** An app whose badge reads are counted; `filled` settles once its first fill has been applied. */
  function countingApp() {
    const calls = { find: 0 };
    let filledNow: () => void = () => undefined;
    const filled = new Promise<void>((resolve) => (filledNow = resolve));
    const repo = t.db.badges;
    const badges: BadgesRepo = {
      find: (id) => {
        calls.find++;
        return repo.find(id);
      },
      levels: () => {
        const all = repo.levels();
        void all.then(() => setImmediate(filledNow));
        return all;
      },
      subscribe: (s) => repo.subscribe(s),
      get trusted() {
        return repo.trusted;
      },
    };
    return { app: createApp({ ...t.ctx, db: { ...t.db, badges } }), calls, filled };
  }

  it('answers both series from one fill and one JSON read per project', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: { ...metalPassing(), ...baselineAnswers(['baseline-1']) } });
    const { app, calls, filled } = countingApp();
    await filled;
    expect(text(await request(app).get(`/projects/${project.id}/badge`).expect(200))).toBe(renderBadgeSvg('passing'));
    expect(text(await request(app).get(`/projects/${project.id}/baseline`).expect(200))).toBe(renderBadgeSvg('baseline-1'));
    expect(calls.find).toBe(0);
    await request(app).get(`/projects/${project.id}/badge.json`).expect(200);
    await request(app).get(`/projects/${project.id}/baseline.json`).expect(200);
    const json = await request(app).get(`/projects/${project.id}/baseline.json`).expect(200);
    expect(calls.find).toBe(1);
    // Proof that both come from memory: a change behind the cache's back (no notice) is not seen.
    await t.db.pool.query('UPDATE projects SET name = $1, baseline_tiered_percentage = 200 WHERE id = $2', ['Quietly renamed', project.id]);
    expect(text(await request(app).get(`/projects/${project.id}/baseline`).expect(200))).toBe(renderBadgeSvg('baseline-1'));
    expect((await request(app).get(`/projects/${project.id}/baseline.json`).expect(200)).text).toBe(json.text);
    expect(calls.find).toBe(1);
  });

  it('shows a saved baseline answer at once, image and JSON', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { answers: baselineAnswers([], { level: 'baseline-1', met: 12 }) });
    expect(text(await request(t.app).get(`/projects/${project.id}/baseline`))).toBe(renderBadgeSvg('baseline-pct-50'));
    const before = (await request(t.app).get(`/projects/${project.id}/baseline.json`)).body as BaselineJson;
    expect(before).toMatchObject({ badge_level: 'baseline-pct-50', badge_percentage: 50 });

    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/baseline-1/edit`).expect(200);
    const form: Record<string, string> = {};
    for (const c of controls('baseline-1')) form[`${c.id}_status`] = 'Met';
    await agent.post(`/projects/${project.id}/baseline-1/edit`).type('form').send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'exit', ...form }).expect(303);

    // No polling: the commit itself dropped the project from this instance's cache.
    expect(text(await request(t.app).get(`/projects/${project.id}/baseline`))).toBe(renderBadgeSvg('baseline-1'));
    const after = (await request(t.app).get(`/projects/${project.id}/baseline.json`)).body as BaselineJson;
    expect(after).toMatchObject({ badge_level: 'baseline-1', badge_percentage: 100 });
    expect(after.updated_at).not.toBe(before.updated_at);
    // The metal badge was dropped with it and is unchanged.
    expect(text(await request(t.app).get(`/projects/${project.id}/badge`))).toBe(renderBadgeSvg(0));
  });

  it('forgets a deleted project for both series', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200);
    await t.db.pool.query('UPDATE projects SET deleted_at = now() WHERE id = $1', [project.id]);
    await t.db.badgeChanges.changed([project.id]);
    await request(t.app).get(`/projects/${project.id}/baseline`).expect(404);
    await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(404);
  });
});
