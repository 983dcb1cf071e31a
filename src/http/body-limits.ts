import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';

/**
 * Most fields a request body may carry, forms and JSON alike. The largest edit form (passing)
 * posts about 150; every field a body carries costs validation work and, when refused, a line of
 * the error answer.
 */
export const MAX_BODY_FIELDS = 2000;

/**
 * Counts the keys of a parsed JSON body at every depth (array elements count too), stopping as
 * soon as the limit is passed. Iterative, so deep nesting cannot exhaust the stack.
 */
export function exceedsFieldLimit(body: unknown, limit = MAX_BODY_FIELDS): boolean {
  let count = 0;
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value as Record<string, unknown>);
    count += children.length;
    if (count > limit) return true;
    pending.push(...children);
  }
  return false;
}

/**
 * After express.json: a JSON body with more fields than a form may have is refused with 413,
 * as the urlencoded parser refuses too many parameters.
 */
export const jsonFieldLimit: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') && exceedsFieldLimit(req.body)) {
    next(new HttpError(413, 'parameters_too_many', 'parameters_too_many'));
    return;
  }
  next();
};
