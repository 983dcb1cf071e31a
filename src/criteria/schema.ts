import { z } from 'zod';

/**
 * Shape of one criteria file (criteria/<level>.yml). Flags default to false so files only
 * mention what is true; the loader attaches level/major/minor to each criterion.
 */
// Upstream ids are lower-case except two (require_2FA, secure_2FA); ids are wire keys, so keep them.
export const criterionIdPattern = /^[a-z][A-Za-z0-9_]*$/;

export const criterionFileEntrySchema = z.strictObject({
  id: z.string().regex(criterionIdPattern, 'must start with a lower-case letter followed by letters, digits or underscores'),
  category: z.enum(['MUST', 'SHOULD', 'SUGGESTED']),
  /** Set by the scoring engine from the previous level's result, never by the user. */
  prerequisite: z.boolean().default(false),
  future: z.boolean().default(false),
  obsolete: z.boolean().default(false),
  met_url_required: z.boolean().default(false),
  met_justification_required: z.boolean().default(false),
  na_allowed: z.boolean().default(false),
  na_justification_required: z.boolean().default(false),
  met_suppress: z.boolean().default(false),
  unmet_suppress: z.boolean().default(false),
  na_suppress: z.boolean().default(false),
  description: z.string().trim().min(1),
  details: z.string().trim().min(1).optional(),
  met_placeholder: z.string().trim().min(1).optional(),
  unmet_placeholder: z.string().trim().min(1).optional(),
  na_placeholder: z.string().trim().min(1).optional(),
  rationale: z.string().trim().min(1).optional(),
});

export const criteriaMinorSchema = z.strictObject({
  minor: z.string().trim().min(1),
  criteria: z.array(criterionFileEntrySchema).min(1),
});

export const criteriaMajorSchema = z.strictObject({
  major: z.string().trim().min(1),
  groups: z.array(criteriaMinorSchema).min(1),
});

export const criteriaFileSchema = z.strictObject({
  level: z.string().regex(/^[a-z0-9-]+$/),
  series: z.enum(['metal', 'baseline']),
  /** Position inside the series: 0 = passing / baseline-1, 1 = silver, 2 = gold. */
  rank: z.number().int().min(0),
  name: z.string().trim().min(1),
  sections: z.array(criteriaMajorSchema).min(1),
});

export type CriteriaFile = z.infer<typeof criteriaFileSchema>;
export type CriterionFileEntry = z.infer<typeof criterionFileEntrySchema>;
