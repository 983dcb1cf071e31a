import { z } from 'zod';
import type { CriteriaSet } from '../criteria/index.ts';
import type { Project, ProjectChanges, StoredAnswer, StoredAnswers } from '../domain/project.ts';
import { STATUS, STATUS_LABELS, type StatusCode } from './scoring/index.ts';
import { canonicalUrl } from './urls.ts';
import type { TextKind } from '../domain/text.ts';
import { addError, fieldErrors, LIMITS, parseForm, textRule, type FieldErrors, type FormResult } from './validation.ts';

/**
 * The project create and edit forms as zod schemas. The answer fields are built from the loaded
 * criteria (a new criterion in YAML is a new pair of fields, with no code change), once per
 * criteria set, so a request only pays for parsing.
 */

/** What a valid project form asks to change. */
export interface ProjectForm {
  /** The descriptive fields the form carried, by column. */
  changes: ProjectChanges;
  /** The answer fields the form carried, by criterion id. */
  answers: Map<string, Partial<StoredAnswer>>;
}

/** The create form: a new project's fields and the level whose edit page it opens on. */
export interface NewProjectForm extends ProjectForm {
  /** Key of the first level of the series the maintainer chose to start with (upstream's starting_section). */
  startingLevel: string;
}

export interface ProjectEditForm extends ProjectForm {
  /** The version the form was loaded at (optimistic locking). */
  lockVersion: number;
}

type UrlColumns = Pick<Project, 'repoUrl' | 'homepageUrl'>;
type Shape = Record<string, z.ZodType>;

/**
 * Text of one kind (src/domain/text.ts): without the characters its kind refuses, trimmed, within
 * its limit, and passing `check` when given. Characters are checked before trimming: trim() also
 * drops line breaks and U+2028/U+2029 at the ends, so text accepted alone could be refused once
 * joined with other text. No issue aborts the parse, so the form-wide URL rule still runs and
 * every field's problems are shown at once.
 */
function text(max: number, kind: TextKind, check?: { test: (value: string) => boolean; message: string }) {
  return z
    .string({ error: 'errors.invalid' })
    .superRefine(textRule(kind))
    .trim()
    .superRefine((value, ctx) => {
      if (value.length > max) ctx.addIssue({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: value, message: 'errors.too_long' });
      if (check && !check.test(value)) ctx.addIssue({ code: 'custom', message: check.message, input: value });
    });
}

/** An emptied field clears the column. */
const orNull = (value: string): string | null => (value === '' ? null : value);

/** A project URL, stored in canonical form so the same repository cannot be entered twice. */
const url = text(LIMITS.shortText, 'line').transform((value, ctx): string | null => {
  if (value === '') return null;
  const result = canonicalUrl(value);
  if (result.ok) return result.url;
  ctx.addIssue({ code: 'custom', message: `errors.url_${result.reason}`, params: { max: LIMITS.shortText }, input: value });
  return z.NEVER;
});

/** Form field -> column and schema. implementation_languages is a NOT NULL column: empty stays ''. */
const DESCRIPTIVE = {
  name: { column: 'name', schema: text(LIMITS.name, 'line').transform(orNull) },
  description: { column: 'description', schema: text(LIMITS.longText, 'multiline').transform(orNull) },
  homepage_url: { column: 'homepageUrl', schema: url },
  repo_url: { column: 'repoUrl', schema: url },
  license: { column: 'license', schema: text(LIMITS.shortText, 'line').transform(orNull) },
  implementation_languages: { column: 'implementationLanguages', schema: text(LIMITS.shortText, 'line') },
  cpe: { column: 'cpe', schema: text(LIMITS.shortText, 'line', { test: (v) => v === '' || v.startsWith('cpe:'), message: 'errors.cpe' }).transform(orNull) },
  general_comments: { column: 'generalComments', schema: text(LIMITS.longText, 'multiline').transform(orNull) },
} as const satisfies Record<string, { column: keyof Project; schema: z.ZodType }>;

type DescriptiveField = keyof typeof DESCRIPTIVE;

/** The create form asks only for what identifies the project; the rest is answered on the edit form. */
const CREATE_FIELDS: readonly DescriptiveField[] = ['name', 'description', 'homepage_url', 'repo_url'];

/** The create form's choice of where to start: the first level of one of the series. */
export const STARTING_FIELD = 'starting_section';

/**
 * Levels a new project may start on, default first: the first level of each series (passing,
 * baseline-1). Starting on a higher level would make no sense, as its score needs the lower ones.
 */
export function startingLevels(criteria: CriteriaSet): string[] {
  const firsts = criteria.levels.filter((level) => level.rank === 0).map((level) => level.key);
  return [...new Set(firsts)];
}

/**
 * Fields that carry no project data: the CSRF token, the edit form's "save and continue" button
 * and the section whose save button was pressed (the route checks it against the level's sections).
 */
const ignored = z.unknown().optional();

const STATUS_BY_LABEL = new Map<string, StatusCode>(STATUS_LABELS.map((label, code) => [label, code as StatusCode]));

function statusField(naAllowed: boolean) {
  return z.string({ error: 'errors.invalid' }).transform((value, ctx): StatusCode => {
    const status = STATUS_BY_LABEL.get(value);
    if (status === undefined) {
      ctx.addIssue({ code: 'custom', message: 'errors.bad_status', params: { value: value.slice(0, 20) }, input: value });
      return z.NEVER;
    }
    // The answer is shared by every level listing the id, so N/A must be allowed at all of them.
    if (status === STATUS.na && !naAllowed) {
      ctx.addIssue({ code: 'custom', message: 'errors.na_not_allowed', input: value });
      return z.NEVER;
    }
    return status;
  });
}

const ANSWER_FIELD = /^(.+)_(status|justification)$/;

interface AnswerField {
  id: string;
  part: 'status' | 'justification';
}

interface FormSchemas {
  create: z.ZodType<NewProjectForm>;
  /** The edit form before the URL rule, which needs the project's current URLs. */
  edit: z.ZodType<Record<string, unknown>>;
  editFields: ReadonlySet<string>;
  answerFields: ReadonlyMap<string, AnswerField>;
}

const built = new WeakMap<CriteriaSet, FormSchemas>();

function schemasFor(criteria: CriteriaSet): FormSchemas {
  const cached = built.get(criteria);
  if (cached) return cached;
  const answerFields = new Map<string, AnswerField>();
  const answerShape: Shape = {};
  for (const id of criteria.ids) {
    const definitions = criteria.definitions(id);
    // Prerequisite criteria are answered by the scoring engine; their fields are refused as automatic.
    if (definitions.some((d) => d.prerequisite)) continue;
    answerShape[`${id}_status`] = statusField(definitions.every((d) => d.na_allowed)).optional();
    answerShape[`${id}_justification`] = text(LIMITS.longText, 'multiline').transform(orNull).optional();
    answerFields.set(`${id}_status`, { id, part: 'status' });
    answerFields.set(`${id}_justification`, { id, part: 'justification' });
  }
  const descriptiveShape = (fields: readonly DescriptiveField[]): Shape => Object.fromEntries(fields.map((f) => [f, DESCRIPTIVE[f].schema.optional()]));
  const editShape: Shape = {
    lock_version: z.string({ error: 'errors.lock_version' }).regex(/^\d{1,9}$/, 'errors.lock_version').transform(Number),
    ...descriptiveShape(Object.keys(DESCRIPTIVE) as DescriptiveField[]),
    ...answerShape,
    _csrf: ignored,
    after: ignored,
    section: ignored,
  };
  const toForm = (value: Record<string, unknown>) => formOf(value, answerFields);
  const starts = startingLevels(criteria);
  const startingSection = z
    .string({ error: 'errors.starting_section' })
    .refine((value) => starts.includes(value), { message: 'errors.starting_section' })
    .optional();
  const schemas: FormSchemas = {
    create: z
      .object({ ...descriptiveShape(CREATE_FIELDS), [STARTING_FIELD]: startingSection, _csrf: ignored })
      .superRefine(urlRule(null), { when: urlFieldsParsed })
      .transform((value): NewProjectForm => ({ ...toForm(value), startingLevel: value[STARTING_FIELD] ?? starts[0]! })),
    edit: z.object(editShape),
    editFields: new Set(Object.keys(editShape)),
    answerFields,
  };
  built.set(criteria, schemas);
  return schemas;
}

/** Runs the URL rule even when other fields failed, as long as both URL fields parsed. */
function urlFieldsParsed(payload: z.core.ParsePayload): boolean {
  return typeof payload.value === 'object' && payload.value !== null && !payload.issues.some((i) => i.path?.[0] === 'repo_url' || i.path?.[0] === 'homepage_url');
}

/**
 * A project needs a repository or a home page URL. A new one must name one; an edit is checked
 * only when it touches a URL, against the project's other current URL.
 */
function urlRule(current: UrlColumns | null) {
  return (value: Record<string, unknown>, ctx: z.core.$RefinementCtx) => {
    const repoUrl = value.repo_url as string | null | undefined;
    const homepageUrl = value.homepage_url as string | null | undefined;
    if (current !== null && repoUrl === undefined && homepageUrl === undefined) return;
    const repo = repoUrl === undefined ? current?.repoUrl : repoUrl;
    const home = homepageUrl === undefined ? current?.homepageUrl : homepageUrl;
    if (!repo && !home) ctx.addIssue({ code: 'custom', message: 'errors.url_needed', path: ['repo_url'], input: value });
  };
}

function formOf(value: Record<string, unknown>, answerFields: ReadonlyMap<string, AnswerField>): ProjectForm {
  const changes: ProjectChanges = {};
  for (const [field, { column }] of Object.entries(DESCRIPTIVE)) {
    // Each field's schema yields its column's type (text or null, '' for implementation_languages).
    if (value[field] !== undefined) Object.assign(changes, { [column]: value[field] });
  }
  const answers = new Map<string, Partial<StoredAnswer>>();
  for (const [field, { id, part }] of answerFields) {
    const given = value[field];
    if (given === undefined) continue;
    const answer = answers.get(id) ?? {};
    if (part === 'status') answer.status = given as StatusCode;
    else answer.justification = given as string | null;
    answers.set(id, answer);
  }
  return { changes, answers };
}

/**
 * Every field the edit form does not know is reported, so a client never believes something was
 * stored when it was not; a criterion's fields are told apart from other names.
 */
function refuseUnknownEditFields(criteria: CriteriaSet, input: Record<string, unknown>, known: ReadonlySet<string>): FieldErrors {
  const errors = fieldErrors();
  for (const field of Object.keys(input)) {
    if (known.has(field)) continue;
    const match = ANSWER_FIELD.exec(field);
    if (!match || criteria.definitions(match[1]!).length === 0) addError(errors, field, match ? 'errors.unknown_criterion' : 'errors.unknown_field', { field });
    else addError(errors, field, 'errors.automatic_criterion', { field });
  }
  return errors;
}

/**
 * The create form: name, description and the two URLs, at least one URL given, and optionally
 * where to start (the first level of a series; the first series when absent).
 */
export function parseNewProjectForm(criteria: CriteriaSet, input: Record<string, unknown>): FormResult<NewProjectForm> {
  const errors = fieldErrors();
  for (const field of Object.keys(input)) {
    if (field !== '_csrf' && field !== STARTING_FIELD && !(CREATE_FIELDS as readonly string[]).includes(field)) addError(errors, field, 'errors.unknown_field', { field });
  }
  return parseForm(schemasFor(criteria).create, input, { errors });
}

/** The edit form of `current`: its lock version, any descriptive field and any criterion's answer. */
export function parseProjectEditForm(criteria: CriteriaSet, input: Record<string, unknown>, current: UrlColumns): FormResult<ProjectEditForm> {
  const schemas = schemasFor(criteria);
  // Only this thin wrapper is built per request; the field schemas are shared.
  const schema = z
    .unknown()
    .pipe(schemas.edit)
    .superRefine(urlRule(current), { when: urlFieldsParsed })
    .transform((value): ProjectEditForm => ({ ...formOf(value, schemas.answerFields), lockVersion: value.lock_version as number }));
  return parseForm(schema, input, { errors: refuseUnknownEditFields(criteria, input, schemas.editFields) });
}

/**
 * The stored answers after applying the form's answers, or null when the form carried none.
 * An unanswered criterion is simply absent, keeping the stored JSON small.
 */
export function mergeAnswers(current: StoredAnswers, given: ProjectForm['answers']): StoredAnswers | null {
  if (given.size === 0) return null;
  const next: StoredAnswers = { ...current };
  for (const [id, answer] of given) {
    next[id] = { ...(next[id] ?? { status: STATUS.unknown, justification: null }), ...answer };
  }
  for (const [id, answer] of Object.entries(next)) {
    if (answer.status === STATUS.unknown && answer.justification === null) Reflect.deleteProperty(next, id);
  }
  return next;
}
