import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { addError, fieldErrors, idSchema, isWellFormed, parseForm, parseId, refuseUnknownFields } from '../../src/services/validation.ts';

const form = z.object({
  name: z.string({ error: 'errors.invalid' }).max(3, 'errors.too_long'),
  kind: z.enum(['a', 'b']).optional(),
  note: z
    .string()
    .refine((s) => s !== 'x', { message: 'admin:errors.rationale_too_short', params: { min: 20, nonSpace: 15, ignored: { nested: true } } })
    .optional(),
});

describe('parseForm', () => {
  it('returns the parsed value', () => {
    expect(parseForm(form, { name: 'abc', kind: 'a', extra: 1 })).toEqual({ ok: true, value: { name: 'abc', kind: 'a' } });
  });

  it.each<[string, unknown, Record<string, { key: string; values?: Record<string, string | number> }[]>]>([
    ['a missing field (the schema type error message is a key)', {}, { name: [{ key: 'errors.invalid' }] }],
    ['a length limit, with its {max}', { name: 'abcd' }, { name: [{ key: 'errors.too_long', values: { max: 3 } }] }],
    ["zod's own English text, replaced by the fallback key", { name: 'a', kind: 'c' }, { kind: [{ key: 'errors.invalid' }] }],
    ['a namespaced key with the string and number params of a custom issue', { name: 'a', note: 'x' }, { note: [{ key: 'admin:errors.rationale_too_short', values: { min: 20, nonSpace: 15 } }] }],
    ['a body that is no object, under "form"', 'text', { form: [{ key: 'errors.invalid' }] }],
  ])('refuses %s with 422', (_label, body, errors) => {
    expect(parseForm(form, body)).toEqual({ ok: false, status: 422, errors });
  });

  it('answers with the status and fallback key it is given', () => {
    expect(parseForm(form, { name: 'a', kind: 'c' }, { status: 400, fallbackKey: 'admin:errors.invalid' })).toEqual({ ok: false, status: 400, errors: { kind: [{ key: 'admin:errors.invalid' }] } });
  });

  it('refuses a valid body when errors were found before the schema ran, keeping them first', () => {
    const errors = refuseUnknownFields({ name: 'abc', bogus: 1 }, ['name']);
    expect(parseForm(form, { name: 'abc', bogus: 1 }, { errors })).toEqual({ ok: false, status: 422, errors: { bogus: [{ key: 'errors.unknown_field', values: { field: 'bogus' } }] } });
    const more = refuseUnknownFields({ bogus: 1 }, []);
    const result = parseForm(form, { name: 'abcd', bogus: 1 }, { errors: more });
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(['bogus', 'name']);
  });

  it('keeps field names such as "__proto__" and "constructor" as plain entries', () => {
    const body = JSON.parse('{"__proto__": 1, "constructor": 2, "name": "a"}') as Record<string, unknown>;
    const result = parseForm(form, body, { errors: refuseUnknownFields(body, ['name']) });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.getPrototypeOf(result.errors)).toBeNull();
      expect(Object.keys(result.errors)).toEqual(['__proto__', 'constructor']);
    }
  });
});

describe('field errors', () => {
  it('collect several messages per field', () => {
    const errors = fieldErrors();
    addError(errors, 'name', 'errors.required');
    addError(errors, 'name', 'errors.too_long', { max: 3 });
    expect(errors.name).toEqual([{ key: 'errors.required' }, { key: 'errors.too_long', values: { max: 3 } }]);
  });
});

describe('ids', () => {
  it.each([
    ['1', 1],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['01', null],
    ['0', null],
    ['-1', null],
    ['1.0', null],
    [' 1', null],
    [1, null],
  ])('parseId(%j) is %j', (raw, id) => {
    expect(parseId(raw)).toBe(id);
    expect(parseForm(z.object({ id: idSchema }), { id: raw }).ok).toBe(id !== null);
  });
});

describe('isWellFormed', () => {
  it.each([
    ['plain', true],
    ['emoji \ud83d\ude00', true],
    ['lone high \ud800 surrogate', false],
    ['lone low \udc00 surrogate', false],
    ['reversed \udc00\ud800 pair', false],
    ['\ud800', false],
  ])('%j is %s', (text, expected) => {
    expect(isWellFormed(text)).toBe(expected);
  });
});
