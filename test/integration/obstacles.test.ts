import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ProjectChanges, StoredAnswers } from '../../src/db/types.ts';
import { displayId } from '../../src/criteria/index.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { mostCommonObstacles } from '../../src/services/stats.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;
let passingMust: string[];
let silverMust: string[];

function mustIds(level: string): string[] {
  return t.ctx.criteria.level(level)!.active.filter((c) => c.category === 'MUST' && !c.prerequisite).map((c) => c.id);
}

/** Every MUST of the level Met, then the overrides (null = answer missing). */
function answers(level: string, overrides: Record<string, 0 | 1 | 2 | 3 | null>): StoredAnswers {
  const out: StoredAnswers = {};
  for (const id of mustIds(level)) {
    const status = id in overrides ? overrides[id] : STATUS.met;
    if (status === null || status === undefined) continue;
    out[id] = { status, justification: status === STATUS.met ? 'Done: https://example.org/' : null };
  }
  return out;
}

async function seed(changes: ProjectChanges) {
  const p = await createProject(t.ctx, await createUser(t.ctx));
  await t.db.projects.update(p.id, p.lockVersion, changes, new Date());
}

beforeAll(async () => {
  t = await buildTestApp();
  passingMust = mustIds('passing');
  silverMust = mustIds('silver');
  const [p0, p1, p2] = passingMust as [string, string, string];
  // Passing candidates (95% and 92%): p0 is Unmet in one and "?" in the other, p1 is missing in one.
  await seed({ badgePercentage0: 95, tieredPercentage: 95, answers: answers('passing', { [p0]: STATUS.unmet, [p1]: null }) });
  await seed({ badgePercentage0: 92, tieredPercentage: 92, answers: answers('passing', { [p0]: STATUS.unknown, [p2]: STATUS.na }) });
  // Not candidates: complete, far from the level, soft-deleted.
  await seed({ badgePercentage0: 100, tieredPercentage: 100, answers: {} });
  await seed({ badgePercentage0: 50, tieredPercentage: 50, answers: {} });
  await seed({ badgePercentage0: 95, tieredPercentage: 95, answers: {}, deletedAt: new Date() });
  // Silver: one candidate with the prerequisite met, one at 95% without it (excluded).
  const [s0] = silverMust as [string];
  await seed({ badgePercentage0: 100, badgePercentage1: 95, tieredPercentage: 195, answers: answers('silver', { [s0]: STATUS.unmet }) });
  await seed({ badgePercentage0: 80, badgePercentage1: 95, tieredPercentage: 80, answers: {} });
  // Baseline: levels have no prerequisite criteria, so "lower levels complete" is checked on the
  // percentages. Baseline-1: one candidate. Baseline-2: one candidate, one without baseline-1.
  // Baseline-3: one candidate, one with baseline-2 incomplete (baseline-1 complete).
  const [b1] = mustIds('baseline-1') as [string];
  const [b2a, b2b] = mustIds('baseline-2') as [string, string];
  const [b3] = mustIds('baseline-3') as [string];
  await seed({ badgePercentageBaseline1: 96, baselineTieredPercentage: 96, answers: answers('baseline-1', { [b1]: STATUS.unmet }) });
  await seed({ badgePercentageBaseline1: 100, badgePercentageBaseline2: 95, baselineTieredPercentage: 195, answers: answers('baseline-2', { [b2a]: null }) });
  await seed({ badgePercentageBaseline1: 80, badgePercentageBaseline2: 95, baselineTieredPercentage: 80, answers: answers('baseline-2', { [b2b]: STATUS.unmet }) });
  await seed({ badgePercentageBaseline1: 100, badgePercentageBaseline2: 100, badgePercentageBaseline3: 95, baselineTieredPercentage: 295, answers: answers('baseline-3', { [b3]: STATUS.unknown }) });
  await seed({ badgePercentageBaseline1: 100, badgePercentageBaseline2: 60, badgePercentageBaseline3: 95, baselineTieredPercentage: 160, answers: answers('baseline-3', {}) });
});

afterAll(async () => {
  await t.close();
});

describe('mostCommonObstacles', () => {
  it('ranks the MUST criteria by the share of near-passing projects where they are Unmet or ?', async () => {
    const levels = await mostCommonObstacles(t.ctx);
    expect(levels.map((l) => l.level)).toEqual(['passing', 'silver', 'gold', 'baseline-1', 'baseline-2', 'baseline-3']);
    const passing = levels[0]!.obstacles;
    expect(passing.map((o) => [o.id, o.blocked, o.candidates, o.percent])).toEqual([
      [passingMust[0], 2, 2, 100],
      [passingMust[1], 1, 2, 50],
    ]);
  });

  it('counts only projects whose previous level is complete above passing', async () => {
    const [silver, gold] = (await mostCommonObstacles(t.ctx)).slice(1);
    expect(silver!.obstacles.map((o) => [o.id, o.blocked, o.candidates, o.percent])).toEqual([[silverMust[0], 1, 1, 100]]);
    expect(gold!.obstacles).toEqual([]);
  });

  it('covers each baseline level, counting only projects with every lower baseline level complete', async () => {
    const [b1, b2, b3] = (await mostCommonObstacles(t.ctx)).slice(3);
    const rows = (l: typeof b1) => l!.obstacles.map((o) => [o.id, o.blocked, o.candidates, o.percent]);
    expect(rows(b1)).toEqual([[mustIds('baseline-1')[0], 1, 1, 100]]);
    // The project at 95% of baseline-2 with baseline-1 at 80% is not a candidate: its Unmet is not counted.
    expect(rows(b2)).toEqual([[mustIds('baseline-2')[0], 1, 1, 100]]);
    expect(rows(b3)).toEqual([[mustIds('baseline-3')[0], 1, 1, 100]]);
  });

  it('lists at most 15 per level', async () => {
    const many = await createProject(t.ctx, await createUser(t.ctx));
    await t.db.projects.update(many.id, many.lockVersion, { badgePercentage0: 90, tieredPercentage: 90, answers: {} }, new Date());
    const passing = (await mostCommonObstacles(t.ctx))[0]!.obstacles;
    expect(passing).toHaveLength(Math.min(15, passingMust.length));
    expect(passing[0]).toMatchObject({ id: passingMust[0], blocked: 3, candidates: 3, percent: 100 });
    const shares = passing.map((o) => o.blocked);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    await t.db.projects.update(many.id, many.lockVersion + 1, { deletedAt: new Date() }, new Date());
  });
});

describe('GET /obstacles', () => {
  it('shows the ranked criteria with their description and a link to the criterion', async () => {
    const res = await request(t.app).get('/obstacles').expect(200);
    const criterion = t.ctx.criteria.level('passing')!.criteria.find((c) => c.id === passingMust[0])!;
    expect(res.text).toContain(`href="/criteria/passing#passing-${criterion.id}"`);
    expect(res.text).toContain('100%');
    expect(res.text).toContain('50%');
    expect(res.text).toContain('No project is currently close to this level.');
    // Baseline levels have their own sections, controls named in their OSPS form.
    const control = t.ctx.criteria.level('baseline-2')!.criteria.find((c) => c.id === mustIds('baseline-2')[0])!;
    expect(res.text).toContain('<section id="level-baseline-2"><h2>Baseline Level 2</h2>');
    expect(res.text).toContain(`href="/criteria/baseline-2#baseline-2-${control.id}"><code>${displayId(control)}</code>`);
    // The description is rendered (escaped) next to the id.
    expect(res.text).toContain(criterion.description.slice(0, 20).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'));
  });
});
