import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ProjectChanges } from '../../src/db/types.ts';
import { recordDailyStats } from '../../src/services/stats.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

/** The baseline columns of a project whose lower levels are as given (tiered as scoring computes it). */
function baseline(b1: number, b2: number, b3: number): ProjectChanges {
  const tiered = b1 < 100 ? b1 : b2 < 100 ? 100 + b2 : b3 < 100 ? 200 + b3 : 300;
  return { badgePercentageBaseline1: b1, badgePercentageBaseline2: b2, badgePercentageBaseline3: b3, baselineTieredPercentage: tiered };
}

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx);
  const seed: ProjectChanges[] = [
    { tieredPercentage: 0 },
    { tieredPercentage: 30, badgePercentage0: 30, badgePercentageBaseline1: 30, baselineTieredPercentage: 30 },
    { tieredPercentage: 95, badgePercentage0: 95, badgePercentageBaseline1: 100, badgePercentageBaseline2: 50, baselineTieredPercentage: 150 },
    // Baseline-2 complete while baseline-1 is not (spec §4.4 quirk): no baseline-2 badge here.
    { tieredPercentage: 100, badgePercentage0: 100, badgePercentage1: 10, badgePercentageBaseline1: 95, badgePercentageBaseline2: 100, baselineTieredPercentage: 95 },
    { tieredPercentage: 250, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 50, ...baseline(100, 100, 90) },
    { tieredPercentage: 300, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 100, ...baseline(100, 100, 100) },
    // Soft-deleted: never counted.
    { tieredPercentage: 300, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 100, ...baseline(100, 100, 100), deletedAt: new Date() },
  ];
  for (const changes of seed) {
    const p = await createProject(t.ctx, owner);
    await t.db.projects.update(p.id, p.lockVersion, changes, new Date());
  }
});

afterAll(async () => {
  await t.close();
});

const EXPECTED = {
  total_projects: 6,
  percent_ge_0: 6, percent_ge_25: 5, percent_ge_50: 4, percent_ge_75: 4, percent_ge_90: 4, percent_ge_100: 3,
  percent_1_ge_25: 2, percent_1_ge_50: 2, percent_1_ge_75: 2, percent_1_ge_90: 2, percent_1_ge_100: 2,
  percent_2_ge_25: 2, percent_2_ge_50: 2, percent_2_ge_75: 1, percent_2_ge_90: 1, percent_2_ge_100: 1,
  level_in_progress: 3, level_passing: 1, level_silver: 1, level_gold: 1,
  // Upstream's baseline fields; the 100 band needs every lower baseline level complete too.
  percent_baseline_1_ge_25: 5, percent_baseline_1_ge_50: 4, percent_baseline_1_ge_75: 4, percent_baseline_1_ge_90: 4, percent_baseline_1_ge_100: 3,
  percent_baseline_2_ge_25: 4, percent_baseline_2_ge_50: 4, percent_baseline_2_ge_75: 3, percent_baseline_2_ge_90: 3, percent_baseline_2_ge_100: 2,
  percent_baseline_3_ge_25: 2, percent_baseline_3_ge_50: 2, percent_baseline_3_ge_75: 2, percent_baseline_3_ge_90: 2, percent_baseline_3_ge_100: 1,
  level_baseline_in_progress: 3, level_baseline_1: 1, level_baseline_2: 1, level_baseline_3: 1,
};

function expectNoInlineStyleOrScript(html: string) {
  expect(html).not.toMatch(/\sstyle\s*=/i);
  // Same-origin script files are allowed by the CSP; script written into the page is not.
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/i);
  expect(html).not.toMatch(/<style/i);
}

describe('GET /project_stats before any snapshot', () => {
  it('computes today\'s numbers live and renders SVG charts without style attributes or scripts', async () => {
    const res = await request(t.app).get('/project_stats').expect(200);
    expect(res.text).toContain('Computed live');
    expect(res.text).toMatch(/Project entries<\/strong>\s*6/);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('role="img"');
    expect(res.text).toContain('<title>Projects by badge level</title>');
    expect(res.text).toContain('New projects per month (last 24 months)');
    expect(res.text).toContain('Progress towards the gold badge');
    expectNoInlineStyleOrScript(res.text);
  });

  it('answers an empty JSON array and a header-only CSV', async () => {
    const json = await request(t.app).get('/project_stats.json').expect(200);
    expect(json.body).toEqual([]);
    const csv = await request(t.app).get('/project_stats.csv').expect(200);
    expect(csv.text).toBe('date\r\n');
  });
});

describe('recordDailyStats', () => {
  it('stores the counts of live projects for the day', async () => {
    const data = await recordDailyStats(t.ctx, new Date('2026-03-01T23:30:00Z'));
    expect(data).toEqual(EXPECTED);
    const days = await t.db.stats.days();
    expect(days).toHaveLength(1);
    expect(days[0]!.day.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(days[0]!.data).toEqual(EXPECTED);
  });

  it('is idempotent per day: a second run replaces the row with fresh numbers', async () => {
    await recordDailyStats(t.ctx, new Date('2026-03-01T23:59:00Z'));
    expect(await t.db.stats.days()).toHaveLength(1);
    await createProject(t.ctx, await createUser(t.ctx));
    await recordDailyStats(t.ctx, new Date('2026-03-01T10:00:00Z'));
    const days = await t.db.stats.days();
    expect(days).toHaveLength(1);
    expect(days[0]!.data.total_projects).toBe(7);
    expect(days[0]!.data.level_in_progress).toBe(4);
    expect(days[0]!.data.level_baseline_in_progress).toBe(4);
  });

  it('is what the daily "stats" job runs', async () => {
    const ctx = { ...t.ctx, now: () => new Date('2026-03-02T23:30:00Z') };
    await jobHandlers(ctx).stats();
    const days = await t.db.stats.days();
    expect(days.map((d) => d.day.toISOString().slice(0, 10))).toEqual(['2026-03-01', '2026-03-02']);
  });
});

describe('GET /project_stats.json and .csv', () => {
  it('lists the daily rows ordered by day as {date, ...numbers}, without cookies', async () => {
    const res = await request(t.app).get('/project_stats.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const rows = res.body as Record<string, unknown>[];
    expect(rows.map((r) => r.date)).toEqual(['2026-03-01', '2026-03-02']);
    expect(rows[1]).toEqual({ date: '2026-03-02', ...EXPECTED, total_projects: 7, percent_ge_0: 7, level_in_progress: 4, level_baseline_in_progress: 4 });
    for (const row of rows) for (const [k, v] of Object.entries(row)) if (k !== 'date') expect(typeof v).toBe('number');
  });

  it('serves the same table as a CSV attachment', async () => {
    const res = await request(t.app).get('/project_stats.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('project_stats.csv');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    const header = lines[0]!.split(',');
    expect(header[0]).toBe('date');
    expect(header).toContain('percent_2_ge_100');
    const last = lines[2]!.split(',');
    expect(last[0]).toBe('2026-03-02');
    expect(last[header.indexOf('total_projects')]).toBe('7');
    expect(last[header.indexOf('level_gold')]).toBe('1');
    for (const n of [1, 2, 3]) for (const band of [25, 50, 75, 90, 100]) expect(header).toContain(`percent_baseline_${n}_ge_${band}`);
    expect(last[header.indexOf('percent_baseline_2_ge_100')]).toBe('2');
    expect(last[header.indexOf('level_baseline_3')]).toBe('1');
  });
});

describe('GET /project_stats with snapshots', () => {
  it('shows the latest snapshot and a history chart', async () => {
    const res = await request(t.app).get('/project_stats').expect(200);
    expect(res.text).toContain('Numbers as of 2026-03-02.');
    expect(res.text).toContain('<polyline');
    expectNoInlineStyleOrScript(res.text);
  });

  it('follows every chart with its numbers as a folded table, axis ticks in whole projects', async () => {
    const res = await request(t.app).get('/project_stats').expect(200);
    // Levels of both series, six progress bands (three metal, three baseline), months and the
    // two histories; each drawn wide and narrow (for phones).
    const charts = res.text.match(/<svg [^>]*class="chart chart-wide"/g) ?? [];
    expect(charts).toHaveLength(11);
    expect(res.text.match(/<svg [^>]*class="chart chart-narrow"/g)).toHaveLength(11);
    const folded = [...res.text.matchAll(/<\/svg><\/div><details class="chart-data"><summary>([^<]+)<\/summary><table class="projects">/g)].map((m) => m[1]);
    expect(folded).toHaveLength(charts.length);
    expect(folded).toContain('Projects by badge level: the numbers as a table');
    expect(folded).toContain('Passing badges over time: the numbers as a table');
    expect(res.text).toMatch(/<details class="chart-data">(?:(?!<\/details>)[\s\S])*<th scope="row">2026-03-02<\/th><td>7<\/td>/);
    for (const m of res.text.matchAll(/<text class="tick"[^>]*>([^<]+)<\/text>/g)) expect(m[1]).toMatch(/^\d+$/);
    expect(res.text).toContain('<rect class="bar level-gold"');
  });

  it('shows the baseline series: projects per baseline level, progress per baseline level, badge holders over time', async () => {
    const res = await request(t.app).get('/project_stats').expect(200);
    const folded = [...res.text.matchAll(/<details class="chart-data"><summary>([^<]+)<\/summary>/g)].map((m) => m[1]);
    expect(folded).toEqual(expect.arrayContaining([
      'Projects by OpenSSF Baseline level: the numbers as a table',
      'Progress towards Baseline Level 1: the numbers as a table',
      'Progress towards Baseline Level 2: the numbers as a table',
      'Progress towards Baseline Level 3: the numbers as a table',
      'Baseline badges over time: the numbers as a table',
    ]));
    // One bar per baseline badge level in its colour class, and its table row with the count.
    for (const cls of ['level-baseline-in-progress', 'level-baseline-1', 'level-baseline-2', 'level-baseline-3']) {
      expect(res.text.match(new RegExp(`<rect class="bar ${cls}"`, 'g')), cls).toHaveLength(2);
    }
    expect(res.text).toMatch(/<tr class="level-baseline-in-progress"><th class="level-name" scope="row">in progress<\/th><td>4<\/td>/);
    expect(res.text).toMatch(/<tr class="level-baseline-2"><th class="level-name" scope="row">Baseline Level 2<\/th><td>1<\/td>/);
    // Progress bands of baseline-2: 100 counts only projects with baseline-1 complete.
    const section = /<section class="level-baseline-2">([\s\S]*?)<\/section>/.exec(res.text)![1]!;
    expect(section).toMatch(/<th scope="row">≥ 75%<\/th><td>3<\/td>/);
    expect(section).toMatch(/<th scope="row">≥ 100%<\/th><td>2<\/td>/);
    // Baseline history: one line per level, coloured by class.
    expect(res.text).toContain('<polyline class="series level-baseline-3"');
    expect(res.text).toMatch(/<th scope="row">2026-03-02<\/th><td>3<\/td><td>2<\/td><td>1<\/td>/);
    expectNoInlineStyleOrScript(res.text);
  });

  it('renders rows written before the baseline fields existed as zeros, not as an error', async () => {
    await t.db.stats.upsertDay(new Date('2026-02-28T00:00:00Z'), { total_projects: 5, percent_ge_0: 5, percent_ge_100: 2 });
    const res = await request(t.app).get('/project_stats').expect(200);
    expect(res.text).toMatch(/<th scope="row">2026-02-28<\/th><td>0<\/td><td>0<\/td><td>0<\/td>/);
    const json = await request(t.app).get('/project_stats.json').expect(200);
    expect((json.body as Record<string, unknown>[])[0]).toEqual({ date: '2026-02-28', total_projects: 5, percent_ge_0: 5, percent_ge_100: 2 });
  });

  it('is linked from the navigation', async () => {
    const res = await request(t.app).get('/en').expect(200);
    expect(res.text).toContain('href="/en/project_stats"');
  });
});

describe('GET /criteria_stats', () => {
  it('tabulates the criteria counts of every level', async () => {
    const res = await request(t.app).get('/criteria_stats').expect(200);
    for (const level of t.ctx.criteria.levels) {
      const row = new RegExp(`<tr id="level-${level.key}"><th scope="row">[^<]+</th><td>(\\d+)</td><td>(\\d+)</td>`).exec(res.text);
      expect(row, level.key).not.toBeNull();
      expect(Number(row![1])).toBe(level.active.length);
      expect(Number(row![2])).toBe(level.active.filter((c) => c.category === 'MUST').length);
    }
    expectNoInlineStyleOrScript(res.text);
  });
});
