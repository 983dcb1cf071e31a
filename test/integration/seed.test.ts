import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createSeedWriter } from '../../src/db/seed.ts';
import { seedAtScale } from '../../src/services/seed.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { testEmailKeys } from '../support/database.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const names = async () => (await t.db.pool.query<{ name: string }>('SELECT name FROM projects ORDER BY id')).rows.map((r) => r.name);

describe('seed at scale', () => {
  it('is repeatable with the same --seed, adds instead of colliding when run again, and reports progress per batch', async () => {
    const progress: number[] = [];
    const first = await seedAtScale(t.ctx, createSeedWriter(t.db.pool, testEmailKeys), { projects: 450, seed: 3, batchSize: 200, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([200, 400, 450]);
    expect(first).toMatchObject({ projects: 450, users: 15 });
    const once = await names();
    await seedAtScale(t.ctx, createSeedWriter(t.db.pool, testEmailKeys), { projects: 450, seed: 3, batchSize: 200 });
    const twice = await names();
    expect(twice).toHaveLength(900);
    expect(twice.slice(450)).toEqual(once);
    const urls = await t.db.pool.query<{ n: string }>('SELECT count(DISTINCT repo_url) AS n FROM projects');
    expect(Number(urls.rows[0]!.n)).toBe(900);
  });

  it('writes entries the application reads like any other: owner with an encrypted address, history, search, badge', async () => {
    const [row] = (await t.db.pool.query<{ id: number; user_id: number; name: string }>('SELECT id, user_id, name FROM projects ORDER BY id LIMIT 1')).rows;
    const owner = await t.db.users.findById(row!.user_id);
    expect(owner?.email).toMatch(/@seed\.example\.org$/);
    const stored = (await t.db.pool.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [row!.user_id])).rows[0]!;
    expect(stored.email).not.toContain('@');
    expect((await t.db.projects.changes(row!.id, 10)).map((c) => c.kind)).toContain('create');
    // Ids come back in insertion order, so each history row belongs to the project it describes.
    const mismatched = await t.db.pool.query(`
      SELECT p.id FROM projects p JOIN project_changes c ON c.project_id = p.id AND c.kind = 'create'
      WHERE c.changes->'name'->>1 IS DISTINCT FROM p.name OR c.user_id IS DISTINCT FROM p.user_id`);
    expect(mismatched.rowCount).toBe(0);
    const found = await request(t.app).get(`/projects.json?q=${encodeURIComponent(row!.name)}`).expect(200);
    expect((found.body as { id: number }[]).map((p) => p.id)).toContain(row!.id);
    await request(t.app).get(`/projects/${row!.id}/badge`).expect(200);
  });
});

describe('npm run seed', () => {
  it('refuses a --projects that is not a whole number, with a message and exit code 2', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--projects', 'lots'], { env: { ...process.env, DATABASE_URL: 'postgresql://127.0.0.1:1/none' } });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--projects must be a whole number') as string });
  });
});
