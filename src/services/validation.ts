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

// Control characters other than tab/newline/carriage return have no business in free text and
// break terminals, CSV consumers and XML (the Atom feed).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function isTextValid(text: string): boolean {
  return !FORBIDDEN_CONTROL.test(text);
}

/** Field name -> list of i18n message keys (with interpolation values). */
export type FieldErrors = Record<string, { key: string; values?: Record<string, string | number> }[]>;

export function addError(errors: FieldErrors, field: string, key: string, values?: Record<string, string | number>): void {
  (errors[field] ??= []).push(values ? { key, values } : { key });
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}
