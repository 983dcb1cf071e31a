import type { i18n } from 'i18next';
import type { Logger } from '../logger.ts';
import type { ServiceContext } from '../services/context.ts';

/** Everything a route module needs, passed explicitly (no globals) so tests can build apps freely. */
export interface AppContext extends ServiceContext {
  i18n: i18n;
  logger: Logger;
}
