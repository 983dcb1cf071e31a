import type { Router } from 'express';
import type passport from 'passport';
import type { RouteLimits } from '../http/rate-limit.ts';
import { accountRoutes } from './accounts.ts';
import { adminRoutes } from './admin.ts';
import { apiPageRoutes, openApiRoutes } from './api-docs.ts';
import { badgeRoutes } from './badges.ts';
import { listHtmlRoutes, listPublicRoutes } from './list.ts';
import { exportPageRoutes, exportPublicRoutes } from './export.ts';
import { collaboratorRoutes } from './collaborators.ts';
import type { RouteContext } from './context.ts';
import { criteriaRoutes } from './criteria.ts';
import { deletionRoutes } from './deletion.ts';
import { homeRoutes } from './home.ts';
import { profileRoutes, signedLinkRoutes } from './profile.ts';
import { projectHistoryRoutes } from './project-history.ts';
import { projectMarkdownRoutes } from './project-markdown.ts';
import { projectRoutes } from './projects.ts';
import { repoFileRoutes } from './repo-files.ts';
import { sessionRoutes } from './sessions.ts';
import { statsDataRoutes, statsPageRoutes } from './stats.ts';
import { transferRoutes } from './transfers.ts';
import { userRoutes } from './users.ts';

/**
 * The route table. Public machine routes come first and run without a session; everything
 * else is HTML and runs with session, CSRF and login state.
 *
 *   GET  /projects/:id/badge(.svg)      badges.ts   SVG badge for the project's level
 *   GET  /projects/:id/badge.json       badges.ts   badge level as JSON
 *   GET  /projects/:id/baseline(.svg)   badges.ts   SVG badge for the project's OSPS Baseline level
 *   GET  /projects/:id/baseline.json    badges.ts   baseline badge value as JSON
 *   GET  /projects/:id.json             badges.ts   full project JSON (upstream wire shape)
 *   GET  /badge_static/:value           badges.ts   badge image for a fixed value
 *   GET  /projects.json, /projects.csv  list.ts     project list/search (page of 20), user_id owner filter, as=badge|entry|edit lookups
 *   GET  /projects.json?all=1, /projects.csv?all=1  export.ts  every live project, streamed in batches (before list.ts)
 *   GET  /projects?as=badge&url=…       list.ts     badge lookup without a session (HTML list: below)
 *   GET  /project_stats(.json|.csv)     stats.ts    daily statistics snapshots (JSON/CSV, no session)
 *   GET  /feed                          stats.ts    Atom feed of the 50 most recently updated projects
 *   GET  /projects/:id/:level.md        project-markdown.ts  Markdown checklist of one level (before :level)
 *   GET  /projects/:id/bestpractices.json, /projects/:id/security-insights.yml  repo-files.ts  answers as repository files (attachments; YAML comments in the request's language)
 *   GET  /openapi.json                  api-docs.ts OpenAPI 3.1 document of the public read routes (no session, CORS *)
 *
 *   GET  /                              home.ts     home page with recently updated projects
 *   GET  /login, POST /login            sessions.ts local login
 *   POST /logout                        sessions.ts log out
 *   POST /auth/github                   sessions.ts start GitHub login (when configured)
 *   GET  /auth/github/callback          sessions.ts finish GitHub login
 *   GET  /signup, POST /users           users.ts    local sign-up (mails an activation link)
 *   GET  /account_activations/:token    accounts.ts confirm page; POST activates
 *   GET|POST /account_activations(/new) accounts.ts resend the activation link
 *   GET|POST /password_resets(/new)     accounts.ts ask for a reset link
 *   GET  /password_resets/:token        accounts.ts new-password form; POST sets it
 *   GET|POST /account(/password|/email|/delete)  profile.ts  own profile, password, email, deletion
 *   GET  /account/projects              profile.ts  My projects: owned and collaborating, with role and badge
 *   GET  /email_changes/:token          profile.ts  confirm page; POST switches the address
 *   GET|POST /unsubscribe               profile.ts  signed one-click unsubscribe (no session, no CSRF)
 *   GET  /projects                      list.ts     HTML project list with filter form (before projects.ts)
 *   GET  /projects/new, POST /projects  projects.ts create a project
 *   GET  /projects/:id                  projects.ts redirect to the first level
 *   GET  /projects/:id/collaborators    collaborators.ts  owner + collaborators, add form (before :level)
 *   POST /projects/:id/collaborators    collaborators.ts  add a collaborator by user id or email
 *   POST /projects/:id/collaborators/:userId/delete  collaborators.ts  remove one (or step down)
 *   GET|POST /projects/:id/transfer     transfers.ts  offer ownership (admins: transfer now) (before :level)
 *   POST /projects/:id/transfer/cancel  transfers.ts  withdraw the open offer
 *   GET  /transfers                     transfers.ts  the user's open incoming and outgoing offers
 *   GET  /transfers/:transferId         transfers.ts  the offer, for its recipient only
 *   POST /transfers/:transferId/accept|decline       transfers.ts  answer the offer
 *   GET|POST /projects/:id/delete       deletion.ts confirm with a rationale; POST soft-deletes (before :level)
 *   GET  /admin                         admin.ts    admin index (admins only; whole /admin area gated)
 *   GET  /admin/users(/:id)             admin.ts    user search (name or exact email) and one user's page
 *   POST /admin/users/:id/block|unblock|delete      admin.ts  block with a reason, unblock, delete (or anonymise)
 *   GET  /admin/projects/deleted        admin.ts    soft-deleted projects still restorable
 *   POST /admin/projects/:id/restore    admin.ts    undo a soft delete
 *   GET  /admin/changes                 admin.ts    recently changed projects (spot checks, admin overrides)
 *   GET  /export                        export.ts   bulk export page (formats, fields, licence)
 *   GET  /criteria(/:level)             criteria.ts every criterion (?details, ?rationale); no form, no cookie
 *   GET  /api                           api-docs.ts the OpenAPI document as an HTML reference page
 *   GET  /projects/:id/history(.json)   project-history.ts  answer history: editors (HTML), owner/admins (JSON) (before :level)
 *   GET  /project_stats                 stats.ts    statistics page with server-rendered SVG charts
 *   GET  /criteria_stats                stats.ts    criteria counts per level
 *   GET  /obstacles                     stats.ts    MUST criteria most often blocking nearly-complete projects
 *   GET  /projects/:id/:level           projects.ts read-only answers of one level
 *   GET  /projects/:id/:level/edit      projects.ts edit form of one level
 *   POST|PUT|PATCH /projects/:id/:level/edit       save the form
 */
export function publicRoutes(ctx: RouteContext): Router[] {
  return [exportPublicRoutes(ctx), listPublicRoutes(ctx), badgeRoutes(ctx), repoFileRoutes(ctx), statsDataRoutes(ctx), projectMarkdownRoutes(ctx), openApiRoutes(ctx)];
}

/** Authenticated by a signed token in the link, not by session or CSRF token. */
export function signedRoutes(ctx: RouteContext): Router[] {
  return [signedLinkRoutes(ctx)];
}

/** `limits`: the app's per-route throttles, counting in the counters shared by every instance. */
export function htmlRoutes(ctx: RouteContext, auth: passport.PassportStatic, limits: RouteLimits): Router[] {
  return [homeRoutes(ctx), sessionRoutes(ctx, auth, limits), userRoutes(ctx, limits), accountRoutes(ctx, limits), profileRoutes(ctx), collaboratorRoutes(ctx), transferRoutes(ctx), deletionRoutes(ctx), adminRoutes(ctx), statsPageRoutes(ctx), criteriaRoutes(ctx), apiPageRoutes(ctx), exportPageRoutes(), projectHistoryRoutes(ctx), listHtmlRoutes(ctx), projectRoutes(ctx)];
}
