import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { csvCell } from '../../src/presenters/csv.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

// Texts a spreadsheet would run as formulas, and how each must be written to the cell.
const HOSTILE: [string, string][] = [
  ["=cmd|' /C calc'!A0", `"'=cmd|' /C calc'!A0"`],
  ['+HYPERLINK("https://evil.example","x")', `"'+HYPERLINK(""https://evil.example"",""x"")"`],
  ['-2+3', `"'-2+3"`],
  ['@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
  ['\t=1+1', `"'\t=1+1"`],
  ['\r=1+1', `"'\r=1+1"`],
];

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx);
  const criterion = t.ctx.criteria.ids[0]!;
  for (const [i, [text]] of HOSTILE.entries()) {
    const project = await createProject(t.ctx, owner, { name: `csv-cell-${i}`, answers: { [criterion]: { status: 3, justification: `@justified ${i}` } } });
    await t.db.pool.query('UPDATE projects SET name = $1, description = $2 WHERE id = $3', [text, text, project.id]);
  }
});

afterAll(async () => {
  await t.close();
});

describe('CSV cells that a spreadsheet would read as formulas', () => {
  it.each(HOSTILE)('csvCell writes %j as %s', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it('keeps ordinary text, numbers (negative ones too) and RFC 4180 quoting as they were', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it.each(['/projects.csv', '/projects.csv?all=1'])('neutralises names, descriptions and justifications in %s', async (path) => {
    const res = await request(t.app).get(path).expect(200);
    for (const [text, cell] of HOSTILE) {
      expect(res.text).toContain(`${cell},${cell}`);
      // The text never starts a cell unprotected.
      expect(res.text).not.toContain(`,${text}`);
    }
    for (const i of HOSTILE.keys()) expect(res.text).toContain(`"'@justified ${i}"`);
  });

  it('uses the same rule in /project_stats.csv', async () => {
    await t.db.pool.query(`INSERT INTO project_stats (day, data) VALUES ('2026-01-01', '{"=1+1": 3, "total_projects": 7}')`);
    const res = await request(t.app).get('/project_stats.csv').expect(200);
    expect(res.text.split('\r\n')[0]).toBe(`date,"'=1+1",total_projects`);
    expect(res.text).toContain('2026-01-01,3,7\r\n');
  });
});
