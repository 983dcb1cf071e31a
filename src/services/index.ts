import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import type { CriteriaSet } from '../criteria/index.ts';
import type { Logger } from '../logger.ts';
import { activate, activationTokenValid, authenticate, requestPasswordReset, resendActivation, resetPassword, resetTokenValid, signUp } from './accounts.ts';
import { blockUser, deleteUser, findAdminUser, listChanges, listDeletedProjects, listUsers, unblockUser } from './admin.ts';
import { copyFromCrosswalk } from './automation/crosswalk-copy.ts';
import { checkRepositoryAgain, formAutomation, requestAutomationRun, requestFirstEditRun } from './automation/runs.ts';
import { addCollaborator, collaboratorsPage, removeCollaborator } from './collaborators.ts';
import type { ServiceContext } from './context.ts';
import { deleteProject, restoreProject } from './deletion.ts';
import { projectExportBatches } from './export.ts';
import { lookupProjectIds, projectCount, projectPage, userProjects } from './list.ts';
import { changePassword, confirmEmailChange, deleteAccount, emailChangeTokenValid, requestEmailChange, unsubscribe, updateProfile } from './profile.ts';
import { findProject, findProjectIncludingDeleted, mayPushToRepository, projectChanges, recentlyUpdatedProjects } from './project-reads.ts';
import { createProject, updateProject } from './projects.ts';
import { githubSignIn, sessionUser } from './sessions.ts';
import { currentStats, feedProjects, mostCommonObstacles, newProjectsPerMonth, statsDays } from './stats.ts';
import {
  acceptTransfer,
  cancelTransfer,
  declineTransfer,
  findTransfer,
  offerTransfer,
  pendingTransfer,
  transfersOverview,
} from './transfers.ts';

/** A use-case with its context already applied. */
type Bound<F> = F extends (ctx: ServiceContext, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<F extends (ctx: ServiceContext, ...args: never[]) => unknown>(ctx: ServiceContext, fn: F): Bound<F> {
  return ((...args: never[]) => fn(ctx, ...args)) as Bound<F>;
}

/**
 * Every use-case the HTTP layer may run, bound to one service context. Routes reach the database
 * only through these; a route that needs another read gets a service function here first.
 */
export function bindServices(ctx: ServiceContext) {
  const all = {
    // accounts and sessions
    signUp, resendActivation, activationTokenValid, activate, authenticate, requestPasswordReset, resetTokenValid, resetPassword,
    sessionUser, githubSignIn,
    // the user's own profile
    updateProfile, changePassword, requestEmailChange, emailChangeTokenValid, confirmEmailChange, deleteAccount, unsubscribe,
    // projects
    findProject, findProjectIncludingDeleted, recentlyUpdatedProjects, projectChanges, mayPushToRepository, createProject, updateProject,
    deleteProject, restoreProject,
    // automation (queued runs, proposals for the edit form)
    requestFirstEditRun, requestAutomationRun, checkRepositoryAgain, formAutomation, copyFromCrosswalk,
    // collaborators and transfers
    collaboratorsPage, addCollaborator, removeCollaborator,
    pendingTransfer, findTransfer, transfersOverview, offerTransfer, acceptTransfer, declineTransfer, cancelTransfer,
    // list, export, statistics
    projectPage, projectCount, lookupProjectIds, userProjects, projectExportBatches,
    statsDays, feedProjects, currentStats, newProjectsPerMonth, mostCommonObstacles,
    // administration
    findAdminUser, listUsers, blockUser, unblockUser, deleteUser, listDeletedProjects, listChanges,
  };
  return Object.fromEntries(Object.entries(all).map(([name, fn]) => [name, bind(ctx, fn as never)])) as unknown as {
    [K in keyof typeof all]: Bound<(typeof all)[K]>;
  };
}

export type Services = ReturnType<typeof bindServices>;

/**
 * What routers and HTTP middleware receive: configuration, criteria, translations, logger,
 * clock and the bound use-cases. The database is not part of it, so `ctx.db` in a route is a
 * type error (and a lint error, see eslint.config.js).
 */
export interface RouteContext {
  readonly config: Readonly<Config>;
  readonly criteria: CriteriaSet;
  readonly i18n: i18n;
  readonly logger: Logger;
  now(): Date;
  readonly services: Services;
}

export function routeContext(ctx: ServiceContext): RouteContext {
  const services = bindServices(ctx);
  // Getters, not copies: tests may swap the clock or configuration of the context they built.
  return {
    get config() {
      return ctx.config;
    },
    get criteria() {
      return ctx.criteria;
    },
    get i18n() {
      return ctx.i18n;
    },
    get logger() {
      return ctx.logger;
    },
    now: () => ctx.now(),
    services,
  };
}
