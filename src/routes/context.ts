/**
 * Routers receive a RouteContext: configuration, criteria, i18n, logger, clock and the bound
 * use-cases (`ctx.services.…`), never the database.
 */
export type { RouteContext } from '../services/index.ts';
