import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/http/auth.ts';

describe('safeReturnTo', () => {
  it.each(['/projects/1/passing/edit', '/projects/new?x=1'])('accepts the local path %s', (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    '//evil.example/x',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    '/login',
    '/signup?x',
    '/logout',
    '',
    undefined,
    42,
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value)).toBeUndefined();
  });
});
