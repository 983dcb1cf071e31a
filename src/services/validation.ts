import { z } from 'zod';
import { textProblem, type TextKind, type TextProblem } from '../domain/text.ts';

/** Limits on user-supplied text, documented in docs/api.md. */
export const LIMITS = {
  name: 254,
  shortText: 254,
  longText: 8192,
  userName: 50,
  email: 254,
  passwordMinBytes: 8,
  passwordMaxBytes: 72,
} as const;

/** The message for each reason src/domain/text.ts refuses a text. */
export const TEXT_PROBLEM_KEYS: Readonly<Record<TextProblem, string>> = {
  control: 'errors.control_characters',
  line_break: 'errors.line_break',
  separator: 'errors.line_separator',
  bidi: 'errors.bidi_characters',
  noncharacter: 'errors.noncharacters',
  unpaired_surrogate: 'errors.invalid',
};

/** Free text (line breaks and tabs allowed) without any character src/domain/text.ts refuses. */
export function isTextValid(text: string): boolean {
  return textProblem(text, 'multiline') === null;
}

/**
 * The zod refinement every text field of every form uses: the field gets one message naming what
 * is wrong with it (a line break in a name, a right-to-left override, a noncharacter…).
 */
export function textRule(kind: TextKind) {
  return (value: string, ctx: z.core.$RefinementCtx<string>): void => {
    const problem = textProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: TEXT_PROBLEM_KEYS[problem], input: value });
  };
}

// A lone UTF-16 surrogate (JSON's "\ud800") has no UTF-8 form: PostgreSQL refuses it inside JSONB,
// so a value carrying one must be refused before anything is written.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether the text is well-formed Unicode (no unpaired surrogates). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Field name -> list of i18n message keys (with interpolation values). */
export type FieldErrors = Record<string, { key: string; values?: Record<string, string | number> }[]>;

/**
 * An empty error map without a prototype: field names come from the request, and a field called
 * "__proto__" or "constructor" must be an ordinary entry, not the object's inherited members.
 */
export function fieldErrors(): FieldErrors {
  return Object.create(null) as FieldErrors;
}

/** The outcome of reading any form or query: the parsed value, or the status and errors to show. */
export type FormResult<T> = { ok: true; value: T } | { ok: false; status: number; errors: FieldErrors };

/** Messages that are already i18n keys ("errors.…" or a namespaced "ns:…") are kept; zod's own English texts are not. */
const MESSAGE_KEY = /^(errors\.|[a-z_]+:)/;

/** The string and number entries of a custom issue's params: what its message interpolates. */
function interpolation(params: Record<string, unknown> | undefined): Record<string, string | number> | undefined {
  if (!params) return undefined;
  const values = Object.entries(params).filter((entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number');
  return values.length > 0 ? Object.fromEntries(values) : undefined;
}

/**
 * The one mapping from zod issues to field errors: the first path segment names the field
 * ("form" for the whole body), the message is the i18n key, a length limit travels as {max} and
 * a custom issue's params as the message's interpolation values.
 */
export function addIssues(errors: FieldErrors, issues: readonly z.core.$ZodIssue[], fallbackKey = 'errors.invalid'): FieldErrors {
  for (const issue of issues) {
    const first = issue.path[0];
    const field = typeof first === 'string' || typeof first === 'number' ? String(first) : 'form';
    const key = MESSAGE_KEY.test(issue.message) ? issue.message : fallbackKey;
    const values = issue.code === 'too_big' ? { max: Number(issue.maximum) } : issue.code === 'custom' ? interpolation(issue.params) : undefined;
    addError(errors, field, key, values);
  }
  return errors;
}

export interface ParseFormOptions {
  /** Status of a refused form; 422 unless the caller answers differently (a bad query is a 400). */
  status?: number;
  /** Key for issues whose message is not a key of ours (type errors, repeated parameters). */
  fallbackKey?: string;
  /** Errors found before the schema ran (unknown fields, say); any of them refuses the form. */
  errors?: FieldErrors;
}

/** Every form and query is read through here. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, options: ParseFormOptions = {}): FormResult<z.output<S>> {
  const errors = options.errors ?? fieldErrors();
  const parsed = schema.safeParse(body);
  if (!parsed.success) addIssues(errors, parsed.error.issues, options.fallbackKey);
  if (!parsed.success || hasErrors(errors)) return { ok: false, status: options.status ?? 422, errors };
  return { ok: true, value: parsed.data };
}

/** Fields of `body` that are not in `allowed`, reported so nothing the user sent is silently ignored. */
export function refuseUnknownFields(body: Record<string, unknown>, allowed: Iterable<string>, errors: FieldErrors = fieldErrors()): FieldErrors {
  const known = new Set(allowed);
  for (const field of Object.keys(body)) {
    if (!known.has(field)) addError(errors, field, 'errors.unknown_field', { field });
  }
  return errors;
}

const MAX_ID = 2 ** 31 - 1;
const ID = /^[1-9][0-9]{0,9}$/;

/** The one id parser: upstream ids are positive int4 values written without a leading zero. */
export function parseId(raw: unknown): number | null {
  return typeof raw === 'string' && ID.test(raw) && Number(raw) <= MAX_ID ? Number(raw) : null;
}

/** parseId as a zod schema, for ids inside forms and queries. */
export const idSchema = z.string().refine((raw) => parseId(raw) !== null).transform(Number);

/**
 * Most fields one error map names. A body may carry up to 2000 fields, each of them wrong; past
 * this many the answer says that more were left out instead of growing with the request.
 */
export const MAX_FIELD_ERRORS = 50;

export function addError(errors: FieldErrors, field: string, key: string, values?: Record<string, string | number>): void {
  if (!Object.hasOwn(errors, field) && field !== 'form' && Object.keys(errors).filter((f) => f !== 'form').length >= MAX_FIELD_ERRORS) {
    const form = Object.hasOwn(errors, 'form') ? errors.form! : (errors.form = []);
    if (!form.some((e) => e.key === 'errors.more_omitted')) form.push({ key: 'errors.more_omitted', values: { max: MAX_FIELD_ERRORS } });
    return;
  }
  (errors[field] ??= []).push(values ? { key, values } : { key });
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}
