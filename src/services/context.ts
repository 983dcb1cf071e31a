import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import type { CriteriaSet } from '../criteria/index.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { CdnClient } from './cdn.ts';
import type { GithubClient } from './github.ts';
import type { Mailer } from './mail/transport.ts';

/** What every use-case needs; tests build one around a throwaway database. */
export interface ServiceContext {
  config: Readonly<Config>;
  db: Database;
  criteria: CriteriaSet;
  now: () => Date;
  i18n: i18n;
  mailer: Mailer;
  /** Null when GitHub login is not configured. */
  github: GithubClient | null;
  logger: Logger;
  /** Null when no CDN purge endpoint is configured. */
  cdn: CdnClient | null;
}
