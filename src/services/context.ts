import type { Config } from '../config.ts';
import type { CriteriaSet } from '../criteria/index.ts';
import type { Database } from '../db/client.ts';

/** What every use-case needs; tests build one around a throwaway database. */
export interface ServiceContext {
  config: Readonly<Config>;
  db: Database;
  criteria: CriteriaSet;
  now: () => Date;
}
