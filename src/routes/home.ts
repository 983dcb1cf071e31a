import { Router } from 'express';
import { badgeLevelName } from '../services/scoring/index.ts';
import type { RouteContext } from './context.ts';
import { MY_PROJECTS_PREVIEW, myProjectsView } from './profile.ts';

export function homeRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    if (!res.locals.requestedLocale) {
      // "/" picks the visitor's language (saved preference, then Accept-Language: the locale
      // middleware's choice); the page itself always lives under /<locale>.
      res.vary('Accept-Language');
      res.redirect(302, `/${res.locals.locale as string}`);
      return;
    }
    const user = req.user;
    const [projects, mine] = await Promise.all([
      ctx.services.recentlyUpdatedProjects(20),
      user ? ctx.services.userProjects(user.id, MY_PROJECTS_PREVIEW) : undefined,
    ]);
    res.render('home', {
      projects: projects.map((p) => ({ ...p, badgeLevel: badgeLevelName(ctx.criteria, p.tieredPercentage) })),
      myProjects: user && mine ? myProjectsView(ctx.criteria, user.id, mine, true) : null,
    });
  });

  return router;
}
