import { z } from 'zod';
import { displayId, type CriteriaSet } from '../criteria/index.ts';
import { SORT_FIELDS } from '../domain/list.ts';
import { MAX_IDS, MAX_TEXT_QUERY, MAX_URL_QUERY } from '../services/list.ts';
import { IN_PROGRESS, badgeLevelNames } from '../services/scoring/index.ts';

/**
 * zod schemas of the public JSON wire shapes (src/presenters/project-json.ts). They are the single
 * source of the OpenAPI document (src/presenters/openapi.ts) and the tests parse real responses with
 * them, so the published description cannot drift from what the routes send.
 */

const int = () => z.number().int();
const dateTime = () => z.iso.datetime();
const nullableDateTime = () => z.iso.datetime().nullable();

/** Answer labels, in the order upstream documents them. */
export const STATUS_VALUES = ['Met', 'Unmet', 'N/A', '?'] as const;

/** GET /projects/:id/badge.json */
export function badgeJsonSchema(set: CriteriaSet) {
  return z
    .strictObject({
      id: int(),
      name: z.string().nullable(),
      updated_at: dateTime(),
      badge_level: z.enum(badgeLevelNames(set)),
      tiered_percentage: int(),
    });
}

/** GET /projects/:id/baseline.json: badge_level carries the badge value (upstream's naming). */
export function baselineBadgeJsonSchema(set: CriteriaSet) {
  const levels = set.series('baseline').map((l) => l.key);
  return z.strictObject({
    id: int(),
    name: z.string().nullable(),
    updated_at: dateTime(),
    badge_level: z.union([z.enum(levels as [string, ...string[]]), z.string().regex(/^baseline-pct-(?:0|[1-9][0-9]?)$/)]),
    badge_percentage: int().min(0).max(100).nullable(),
  });
}

const LEADING = {
  id: int(),
  user_id: int(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  homepage_url: z.string().nullable(),
  repo_url: z.string().nullable(),
  license: z.string().nullable(),
  implementation_languages: z.string(),
  cpe: z.string().nullable(),
  general_comments: z.string().nullable(),
  entry_locale: z.string(),
  lock_version: int(),
  created_at: dateTime(),
  updated_at: dateTime(),
  homepage_url_status: z.string(),
  report_url_status: z.string(),
};

const TRAILING = {
  badge_percentage_0: int().nullable(),
  badge_percentage_1: int(),
  badge_percentage_2: int(),
  badge_percentage_baseline_1: int().nullable(),
  badge_percentage_baseline_2: int().nullable(),
  badge_percentage_baseline_3: int().nullable(),
  tiered_percentage: int(),
  baseline_tiered_percentage: int(),
  achieved_passing_at: nullableDateTime(),
  achieved_silver_at: nullableDateTime(),
  achieved_gold_at: nullableDateTime(),
  achieved_baseline_1_at: nullableDateTime(),
  achieved_baseline_2_at: nullableDateTime(),
  achieved_baseline_3_at: nullableDateTime(),
  first_achieved_passing_at: nullableDateTime(),
  first_achieved_silver_at: nullableDateTime(),
  first_achieved_gold_at: nullableDateTime(),
  first_achieved_baseline_1_at: nullableDateTime(),
  first_achieved_baseline_2_at: nullableDateTime(),
  first_achieved_baseline_3_at: nullableDateTime(),
  lost_passing_at: nullableDateTime(),
  lost_silver_at: nullableDateTime(),
  lost_gold_at: nullableDateTime(),
  lost_baseline_1_at: nullableDateTime(),
  lost_baseline_2_at: nullableDateTime(),
  lost_baseline_3_at: nullableDateTime(),
  passing_saved: z.boolean(),
  silver_saved: z.boolean(),
  gold_saved: z.boolean(),
  baseline_1_saved: z.boolean(),
  baseline_2_saved: z.boolean(),
  baseline_3_saved: z.boolean(),
  repo_url_updated_at: nullableDateTime(),
  last_reminder_at: nullableDateTime(),
  disabled_reminders: z.boolean(),
  unreported_badge_loss: int(),
  unreported_baseline_badge_loss: int(),
  unreported_badge_warning: int(),
  unreported_baseline_badge_warning: int(),
  badge_warning_effective_date: z.iso.date().nullable(),
  last_loss_sent_at: nullableDateTime(),
  last_warning_sent_at: nullableDateTime(),
};

const projectSchemas = new WeakMap<CriteriaSet, ReturnType<typeof buildProjectJsonSchema>>();

function buildProjectJsonSchema(set: CriteriaSet) {
  const answers: Record<string, z.ZodType> = {};
  for (const id of set.ids) {
    const key = displayId(set.definitions(id)[0]!);
    answers[`${key}_status`] = z.enum(STATUS_VALUES);
    answers[`${key}_justification`] = z.string().optional();
  }
  return z
    .strictObject({
      ...LEADING,
      ...answers,
      ...TRAILING,
      badge_level: z.enum(badgeLevelNames(set)),
      additional_rights: z.array(int()),
      project_entry_attribution: z.string(),
      project_entry_license: z.string(),
    });
}

/** GET /projects/:id.json and each element of GET /projects.json, for the loaded criteria. */
export function projectJsonSchema(set: CriteriaSet) {
  let schema = projectSchemas.get(set);
  if (!schema) {
    schema = buildProjectJsonSchema(set);
    projectSchemas.set(set, schema);
  }
  return schema;
}

/** The JSON error body of every machine route. */
export const errorJsonSchema = z.strictObject({ error: z.string(), details: z.unknown() });

const POSITIVE = /^[1-9][0-9]{0,15}$/;
const IDS = new RegExp(`^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,${MAX_IDS - 1}}$`);

/**
 * Query parameters of GET /projects(.json|.csv), for documentation. src/services/list.ts is what
 * enforces them (it also rejects repeated names and control characters).
 */
export const listQuerySchema = z.object({
  status: z.enum([IN_PROGRESS, 'passing']).optional(),
  gteq: z.string().regex(POSITIVE).optional(),
  lteq: z.string().regex(POSITIVE).optional(),
  baseline_level: z.enum([IN_PROGRESS, 'baseline-1', 'baseline-2', 'baseline-3']).optional(),
  baseline_gteq: z.string().regex(POSITIVE).optional(),
  baseline_lteq: z.string().regex(POSITIVE).optional(),
  url: z.string().max(MAX_URL_QUERY).optional(),
  pq: z.string().max(MAX_TEXT_QUERY).optional(),
  q: z.string().max(MAX_TEXT_QUERY).optional(),
  ids: z.string().regex(IDS).optional(),
  sort: z.enum(SORT_FIELDS).optional(),
  sort_direction: z.enum(['asc', 'desc']).optional(),
  page: z.string().regex(POSITIVE).optional(),
  as: z.enum(['badge', 'entry', 'edit']).optional(),
  section: z.string().optional(),
  user_id: z.string().regex(/^[1-9][0-9]{0,9}$/).optional(),
});

export type ListQueryParams = z.infer<typeof listQuerySchema>;
