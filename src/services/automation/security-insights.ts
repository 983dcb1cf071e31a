/**
 * OpenSSF Security Insights files (SECURITY-INSIGHTS.yml, versions 1 and 2) → proposed answers,
 * through our rule file criteria/automation/security-insights.yml (format in its header). The
 * parser takes untrusted text: it is size-capped by the caller, parsed by `yaml` (no custom tags,
 * at most 100 alias expansions), walked through own properties only, and never throws.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import type { Proposals } from '../../domain/automation.ts';
import type { StatusCode } from '../../domain/project.ts';
import { fromProjectRoot } from '../../paths.ts';
import { explain, MET, NA, propose, UNMET } from './detectives/common.ts';

const pathSchema = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated keys');
const scalar = z.union([z.string(), z.boolean(), z.number()]);

export const securityInsightsRuleSchema = z.strictObject({
  path: pathSchema,
  items: z.strictObject({ field: pathSchema, also: pathSchema.optional() }).optional(),
  when: z
    .union([
      z.strictObject({ equals: scalar }),
      z.strictObject({ one_of: z.array(scalar).min(1) }),
      z.strictObject({ contains: z.string().min(1) }),
    ])
    .optional(),
  criterion: z.string().regex(/^[a-z][A-Za-z0-9_]*$/),
  status: z.enum(['met', 'unmet', 'na']),
  // A file's claim is never strong enough to replace a person's answer.
  confidence: z.number().gt(0).lt(4),
});

export type SecurityInsightsRule = z.infer<typeof securityInsightsRuleSchema>;

const fileSchema = z.strictObject({ rules: z.array(securityInsightsRuleSchema).min(1) });

export const defaultSecurityInsightsFile = fromProjectRoot('criteria/automation/security-insights.yml');

/** Loads and validates the rule file; throws naming the file and the offending rule. */
export function loadSecurityInsightsRules(file: string = defaultSecurityInsightsFile): SecurityInsightsRule[] {
  const parsed = fileSchema.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data.rules;
}

/** Largest file read; real files are a few kilobytes. */
export const SECURITY_INSIGHTS_MAX_BYTES = 50 * 1024;
/** Longest comment copied from the file into an explanation. */
const MAX_COMMENT = 2048;
/** Longest value quoted in an explanation. */
const MAX_VALUE = 200;

const STATUS: Record<SecurityInsightsRule['status'], StatusCode> = { met: MET, unmet: UNMET, na: NA };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a dot path through plain objects' own properties (never the prototype). */
export function lookup(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function matches(value: unknown, when: SecurityInsightsRule['when']): boolean {
  if (!when) return present(value);
  if (!isScalar(value)) return false;
  const actual = String(value).trim().toLowerCase();
  if ('equals' in when) return actual === String(when.equals).toLowerCase();
  if ('one_of' in when) return when.one_of.some((v) => actual === String(v).toLowerCase());
  return actual.includes(when.contains.toLowerCase());
}

interface Match {
  value: unknown;
  /** The object whose `comment` explains the value. */
  context: unknown;
}

function evaluate(doc: unknown, rule: SecurityInsightsRule): Match | undefined {
  const value = lookup(doc, rule.path);
  if (!rule.items) {
    if (!matches(value, rule.when)) return undefined;
    const parent = rule.path.includes('.') ? lookup(doc, rule.path.slice(0, rule.path.lastIndexOf('.'))) : doc;
    return { value, context: isRecord(value) ? value : parent };
  }
  if (!Array.isArray(value)) return undefined;
  for (const item of value) {
    const field = lookup(item, rule.items.field);
    if (!matches(field, rule.when)) continue;
    if (rule.items.also && lookup(item, rule.items.also) !== true) continue;
    return { value: field, context: item };
  }
  return undefined;
}

function quote(value: unknown): string {
  const text = isScalar(value) ? String(value) : Array.isArray(value) ? `[${value.length}]` : '{…}';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

export type SecurityInsightsResult =
  | { ok: true; proposals: Proposals }
  | { ok: false; error: 'yaml' | 'not_a_mapping' | 'too_large' };

/**
 * Proposals from the text of a Security Insights file. Per criterion the most confident matching
 * rule wins (the first on a tie). Never throws, whatever the text.
 */
export function securityInsightsProposals(
  text: string,
  rules: readonly SecurityInsightsRule[],
  file: { name: string; url?: string },
): SecurityInsightsResult {
  if (text.length > SECURITY_INSIGHTS_MAX_BYTES) return { ok: false, error: 'too_large' };
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100, prettyErrors: false });
  } catch {
    return { ok: false, error: 'yaml' };
  }
  if (!isRecord(doc)) return { ok: false, error: 'not_a_mapping' };
  const proposals: Proposals = {};
  for (const rule of rules) {
    const match = evaluate(doc, rule);
    if (!match) continue;
    const field = `${rule.criterion}_status`;
    const earlier = proposals[field];
    if (earlier && earlier.confidence >= rule.confidence) continue;
    const comment = isRecord(match.context) && typeof match.context.comment === 'string' ? match.context.comment.trim().slice(0, MAX_COMMENT) : '';
    const params = { file: file.name, field: rule.path + (rule.items ? `[].${rule.items.field}` : ''), value: quote(match.value) };
    const why = comment
      ? explain('security_insights.match_with_comment', { ...params, comment })
      : explain('security_insights.match', params);
    proposals[field] = propose(STATUS[rule.status], rule.confidence, why, file.url);
  }
  return { ok: true, proposals };
}
