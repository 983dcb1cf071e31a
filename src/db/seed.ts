import type pg from 'pg';
import { createEmailCipher, normaliseEmail, type EmailKeys } from './email-crypto.ts';

/**
 * Bulk writes for the scale seed (src/services/seed.ts, `npm run seed`). Each call is one
 * set-based INSERT of a whole batch: the rows travel as one JSON parameter and
 * json_populate_recordset turns them into typed rows inside PostgreSQL, so 100,000 projects take
 * a few dozen statements instead of 100,000 round trips through the ORM.
 */

export interface SeedUserRow {
  provider: 'local' | 'github';
  uid: string | null;
  name: string;
  nickname: string | null;
  email: string;
  passwordDigest: string | null;
  createdAt: Date;
}

/** Snake-case column name -> value, for the columns the seed sets; everything else keeps its default. */
export type SeedProjectRow = Record<string, unknown> & { repo_url: string; created_at: string; updated_at: string };

export interface SeedChangeRow {
  /** Index into the batch's projects. */
  project: number;
  user_id: number | null;
  kind: string;
  changes: Record<string, [unknown, unknown]>;
  created_at: string;
}

export interface SeedWriter {
  /** Inserts the users and returns their ids in input order. */
  insertUsers(users: SeedUserRow[]): Promise<number[]>;
  /** Inserts the projects (search document computed in the same statement) and returns their ids in input order. */
  insertProjects(rows: SeedProjectRow[]): Promise<number[]>;
  insertChanges(rows: (Omit<SeedChangeRow, 'project'> & { project_id: number })[]): Promise<void>;
  insertCollaborators(rows: { project_id: number; user_id: number }[]): Promise<void>;
  /**
   * VACUUM ANALYZE of the tables the seed filled: fresh statistics for the planner (a freshly
   * loaded table otherwise has none, and the list's plans are chosen on guesses) and a visibility
   * map, so index-only scans stay index-only.
   */
  analyze(): Promise<void>;
}

const PROJECT_COLUMNS = [
  'user_id', 'name', 'description', 'homepage_url', 'repo_url', 'license', 'implementation_languages',
  'answers', 'badge_percentage_0', 'badge_percentage_1', 'badge_percentage_2',
  'badge_percentage_baseline_1', 'badge_percentage_baseline_2', 'badge_percentage_baseline_3',
  'tiered_percentage', 'baseline_tiered_percentage',
  'achieved_passing_at', 'achieved_silver_at', 'achieved_gold_at',
  'achieved_baseline_1_at', 'achieved_baseline_2_at', 'achieved_baseline_3_at',
  'first_achieved_passing_at', 'first_achieved_silver_at', 'first_achieved_gold_at',
  'first_achieved_baseline_1_at', 'first_achieved_baseline_2_at', 'first_achieved_baseline_3_at',
  'lost_passing_at', 'lost_silver_at', 'lost_gold_at', 'lost_baseline_1_at', 'lost_baseline_2_at', 'lost_baseline_3_at',
  'passing_saved', 'lock_version', 'created_at', 'updated_at',
] as const;

export function createSeedWriter(pool: pg.Pool, emailKeys: EmailKeys): SeedWriter {
  const cipher = createEmailCipher(emailKeys);
  const columns = PROJECT_COLUMNS.join(', ');
  return {
    async insertUsers(users) {
      const rows = users.map((u) => ({
        provider: u.provider,
        uid: u.uid,
        name: u.name,
        nickname: u.nickname,
        email: cipher.encrypt(normaliseEmail(u.email), 'users.email'),
        email_bidx: cipher.blindIndex(u.email),
        password_digest: u.passwordDigest,
        activated: true,
        activated_at: u.createdAt.toISOString(),
        created_at: u.createdAt.toISOString(),
        updated_at: u.createdAt.toISOString(),
      }));
      const result = await pool.query<{ id: number }>(
        `INSERT INTO users (provider, uid, name, nickname, email, email_bidx, password_digest, activated, activated_at, created_at, updated_at)
         SELECT provider, uid, name, nickname, email, email_bidx, password_digest, activated, activated_at, created_at, updated_at
         FROM json_populate_recordset(NULL::users, $1::json) WITH ORDINALITY AS r
         ORDER BY ordinality
         RETURNING id`,
        [JSON.stringify(rows)],
      );
      return result.rows.map((r) => r.id);
    },
    async insertProjects(rows) {
      // The search document is the one src/db/projects.ts writes on every save.
      const result = await pool.query<{ id: number }>(
        `INSERT INTO projects (${columns}, search_vector)
         SELECT ${columns}, to_tsvector('simple',
           coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(homepage_url, '') || ' ' || coalesce(repo_url, ''))
         FROM json_populate_recordset(NULL::projects, $1::json) WITH ORDINALITY AS r
         ORDER BY ordinality
         RETURNING id`,
        [JSON.stringify(rows)],
      );
      return result.rows.map((r) => r.id);
    },
    async insertChanges(rows) {
      if (rows.length === 0) return;
      await pool.query(
        `INSERT INTO project_changes (project_id, user_id, kind, changes, created_at)
         SELECT project_id, user_id, kind, changes, created_at FROM json_populate_recordset(NULL::project_changes, $1::json)`,
        [JSON.stringify(rows)],
      );
    },
    async insertCollaborators(rows) {
      if (rows.length === 0) return;
      await pool.query(
        `INSERT INTO additional_rights (project_id, user_id, created_at, updated_at)
         SELECT project_id, user_id, now(), now() FROM json_populate_recordset(NULL::additional_rights, $1::json)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(rows)],
      );
    },
    async analyze() {
      await pool.query('VACUUM ANALYZE projects, users, additional_rights, project_changes');
    },
  };
}
