import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { Level } from '../criteria/index.ts';
import type { StoredAnswers } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';
import { initialScoreState, scoreChanges } from './project-scores.ts';
import { STATUS, computeScores } from './scoring/index.ts';

export interface SeedResult {
  created: boolean;
  credentials: { role: string; email: string; password: string }[];
}

/** Answers every criterion of the given levels as Met with a justification that satisfies any flag. */
function allMet(levels: Level[], upTo = Infinity): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const level of levels) {
    level.criteria.slice(0, upTo).forEach((c) => {
      if (!c.prerequisite) {
        answers[c.id] = { status: STATUS.met, justification: `Documented at https://example.org/demo/${c.id}` };
      }
    });
  }
  return answers;
}

/**
 * Demo data for a fresh development database: an admin, a maintainer and a few projects at
 * different levels. Runs only when there are no users, so restarting never duplicates data,
 * and passwords are random and shown once.
 */
export async function seedDemoData(ctx: ServiceContext): Promise<SeedResult> {
  if ((await ctx.db.users.count()) > 0) return { created: false, credentials: [] };
  const password = () => randomBytes(9).toString('base64url');
  const credentials = [
    { role: 'admin', email: 'admin@example.org', password: password() },
    { role: 'maintainer', email: 'maintainer@example.org', password: password() },
  ];
  // Sequential so the admin is always user 1 and the maintainer user 2.
  const users = [];
  for (const c of credentials) {
    users.push(
      await ctx.db.users.createLocal({
        name: c.role === 'admin' ? 'Demo Admin' : 'Demo Maintainer',
        email: c.email,
        passwordDigest: await bcrypt.hash(c.password, ctx.config.bcryptCost),
        role: c.role === 'admin' ? 'admin' : null,
        activated: true,
      }),
    );
  }
  const maintainer = users[1]!;
  const metal = ctx.criteria.series('metal');
  const demos = [
    { name: 'Demo Silver Library', slug: 'silver-library', answers: allMet(metal.slice(0, 2)) },
    { name: 'Demo Passing Tool', slug: 'passing-tool', answers: allMet(metal.slice(0, 1)) },
    { name: 'Demo Starter Project', slug: 'starter', answers: allMet(metal.slice(0, 1), 30) },
    { name: 'Demo New Project', slug: 'new-project', answers: {} },
  ];
  for (const demo of demos) {
    const now = ctx.now();
    const scores = computeScores(ctx.criteria, demo.answers, initialScoreState(ctx.criteria), now);
    await ctx.db.projects.create({
      userId: maintainer.id,
      name: demo.name,
      description: `A demonstration entry (${demo.slug}) created on first start.`,
      homepageUrl: `https://example.org/${demo.slug}`,
      repoUrl: `https://github.com/example/${demo.slug}`,
      license: 'MIT',
      ...scoreChanges(ctx.criteria, scores),
    });
  }
  return { created: true, credentials };
}
