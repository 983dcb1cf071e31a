import { Router } from 'express';
import { badgeLevelName } from '../services/scoring/index.ts';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES } from '../i18n.ts';
import type { RouteContext } from './context.ts';
import { MY_PROJECTS_PREVIEW, myProjectsView } from './profile.ts';

export function homeRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    if (!res.locals.requestedLocale) {
      // "/" picks the visitor's language; the page itself always lives under /<locale>.
      const best = req.acceptsLanguages(...SUPPORTED_LOCALES) || DEFAULT_LOCALE;
      res.set('Vary', 'Accept-Language');
      res.redirect(302, `/${best}`);
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
