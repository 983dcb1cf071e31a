import { dictionary } from '@zxcvbn-ts/language-common';
import { LIMITS } from './validation.ts';

/**
 * The bad-password list: about 49,000 of the most common passwords, shipped inside the
 * @zxcvbn-ts/language-common package (MIT), compared case-insensitively. Only entries that pass
 * the length rule matter, so shorter ones are not kept in memory.
 */
let badPasswords: Set<string> | undefined;

function list(): Set<string> {
  badPasswords ??= new Set(
    dictionary['passwords-common'].filter((p) => Buffer.byteLength(p) >= LIMITS.passwordMinBytes).map((p) => p.toLowerCase()),
  );
  return badPasswords;
}

export type PasswordProblem = 'errors.password_short' | 'errors.password_long' | 'errors.password_common';

/** Rules for a new password (existing passwords keep working even if they no longer pass). */
export function passwordProblem(password: string): PasswordProblem | null {
  const bytes = Buffer.byteLength(password);
  if (bytes < LIMITS.passwordMinBytes) return 'errors.password_short';
  if (bytes > LIMITS.passwordMaxBytes) return 'errors.password_long';
  if (list().has(password.toLowerCase())) return 'errors.password_common';
  return null;
}
