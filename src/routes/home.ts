import { Router } from 'express';
import { badgeLevelName } from '../presenters/project-json.ts';
import type { AppContext } from './context.ts';

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const projects = await ctx.db.projects.recentlyUpdated(20);
    res.render('home', {
      projects: projects.map((p) => ({ ...p, badgeLevel: badgeLevelName(ctx.criteria, p.tieredPercentage) })),
    });
  });

  return router;
}
