import type { Router } from 'express';
import type passport from 'passport';
import { accountRoutes } from './accounts.ts';
import { badgeRoutes } from './badges.ts';
import type { AppContext } from './context.ts';
import { homeRoutes } from './home.ts';
import { projectRoutes } from './projects.ts';
import { sessionRoutes } from './sessions.ts';
import { userRoutes } from './users.ts';

/**
 * The route table. Public machine routes come first and run without a session; everything
 * else is HTML and runs with session, CSRF and login state.
 *
 *   GET  /projects/:id/badge(.svg)      badges.ts   SVG badge for the project's level
 *   GET  /projects/:id/badge.json       badges.ts   badge level as JSON
 *   GET  /projects/:id.json             badges.ts   full project JSON (upstream wire shape)
 *   GET  /badge_static/:value           badges.ts   badge image for a fixed value
 *
 *   GET  /                              home.ts     home page with recently updated projects
 *   GET  /login, POST /login            sessions.ts local login
 *   POST /logout                        sessions.ts log out
 *   GET  /signup, POST /users           users.ts    local sign-up (mails an activation link)
 *   GET  /account_activations/:token    accounts.ts confirm page; POST activates
 *   GET|POST /account_activations(/new) accounts.ts resend the activation link
 *   GET|POST /password_resets(/new)     accounts.ts ask for a reset link
 *   GET  /password_resets/:token        accounts.ts new-password form; POST sets it
 *   GET  /projects/new, POST /projects  projects.ts create a project
 *   GET  /projects/:id                  projects.ts redirect to the first level
 *   GET  /projects/:id/:level           projects.ts read-only answers of one level
 *   GET  /projects/:id/:level/edit      projects.ts edit form of one level
 *   POST|PUT|PATCH /projects/:id/:level/edit       save the form
 */
export function publicRoutes(ctx: AppContext): Router[] {
  return [badgeRoutes(ctx)];
}

export function htmlRoutes(ctx: AppContext, auth: passport.PassportStatic): Router[] {
  return [homeRoutes(ctx), sessionRoutes(ctx, auth), userRoutes(ctx), accountRoutes(ctx), projectRoutes(ctx)];
}
