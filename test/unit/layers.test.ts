import { describe, expect, it } from 'vitest';
import { rulesFired } from '../support/lint.ts';

describe('layer rules in eslint.config.js', () => {
  it('refuse a route importing the database client', async () => {
    const fired = await rulesFired('src/routes/layer-probe.ts', "import { connectDatabase } from '../db/client.ts';\nexport const probe = connectDatabase;\n");
    expect(fired).toContain('no-restricted-imports');
  });

  it('refuse type-only database imports in presenters, policies and HTTP middleware', async () => {
    for (const dir of ['presenters', 'policies', 'http']) {
      const fired = await rulesFired(`src/${dir}/layer-probe.ts`, "import type { Database } from '../db/client.ts';\nexport type Probe = Database;\n");
      expect(fired, dir).toContain('no-restricted-imports');
    }
  });

  it('refuse ctx.db in a route', async () => {
    const fired = await rulesFired('src/routes/layer-probe.ts', 'export const probe = (ctx: { db: unknown }) => ctx.db;\n');
    expect(fired).toContain('no-restricted-syntax');
  });

  it('refuse a service importing a presenter', async () => {
    const fired = await rulesFired('src/services/layer-probe.ts', "import { presentProject } from '../presenters/project-json.ts';\nexport const probe = presentProject;\n");
    expect(fired).toContain('no-restricted-imports');
  });

  it('keep Prisma inside src/db', async () => {
    const outside = await rulesFired('src/services/layer-probe.ts', "import { PrismaClient } from '@prisma/client';\nexport const probe = PrismaClient;\n");
    expect(outside).toContain('no-restricted-imports');
    const inside = await rulesFired('src/db/layer-probe.ts', "import { Prisma } from './generated/client.ts';\nexport const probe = Prisma;\n");
    expect(inside).not.toContain('no-restricted-imports');
  });

  it('let services use the database and routes use services', async () => {
    const service = await rulesFired('src/services/layer-probe.ts', "import type { Database } from '../db/client.ts';\nexport type Probe = Database;\n");
    expect(service).not.toContain('no-restricted-imports');
    const route = await rulesFired('src/routes/layer-probe.ts', "import type { RouteContext } from '../services/index.ts';\nexport const probe = (ctx: RouteContext) => ctx.services;\n");
    expect(route).toEqual([]);
  });
});
