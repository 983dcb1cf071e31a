import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ProjectChanges } from '../../src/db/types.ts';
import { recordDailyStats } from '../../src/services/stats.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx);
  const seed: ProjectChanges[] = [
    { tieredPercentage: 0 },
    { tieredPercentage: 30, badgePercentage0: 30 },
    { tieredPercentage: 95, badgePercentage0: 95 },
    { tieredPercentage: 100, badgePercentage0: 100, badgePercentage1: 10 },
    { tieredPercentage: 250, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 50 },
    { tieredPercentage: 300, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 100 },
    // Soft-deleted: never counted.
    { tieredPercentage: 300, badgePercentage0: 100, badgePercentage1: 100, badgePercentage2: 100, deletedAt: new Date() },
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
    expect(rows[1]).toEqual({ date: '2026-03-02', ...EXPECTED, total_projects: 7, percent_ge_0: 7, level_in_progress: 4 });
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
    // Level, three progress bands, months and history; each drawn wide and narrow (for phones).
    const charts = res.text.match(/<svg [^>]*class="chart chart-wide"/g) ?? [];
    expect(charts).toHaveLength(6);
    expect(res.text.match(/<svg [^>]*class="chart chart-narrow"/g)).toHaveLength(6);
    const folded = [...res.text.matchAll(/<\/svg><\/div><details class="chart-data"><summary>([^<]+)<\/summary><table class="projects">/g)].map((m) => m[1]);
    expect(folded).toHaveLength(charts.length);
    expect(folded).toContain('Projects by badge level: the numbers as a table');
    expect(folded).toContain('Passing badges over time: the numbers as a table');
    expect(res.text).toMatch(/<details class="chart-data">(?:(?!<\/details>)[\s\S])*<th scope="row">2026-03-02<\/th><td>7<\/td>/);
    for (const m of res.text.matchAll(/<text class="tick"[^>]*>([^<]+)<\/text>/g)) expect(m[1]).toMatch(/^\d+$/);
    expect(res.text).toContain('<rect class="bar level-gold"');
  });

  it('is linked from the navigation', async () => {
    const res = await request(t.app).get('/en').expect(200);
    expect(res.text).toContain('href="/project_stats"');
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
