/**
 * SPDX licence expressions (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-or-later WITH
 * Classpath-exception-2.0`, `(MIT AND BSD-3-Clause)`, `GPL-2.0+`) and whether one is
 * OSI-approved.
 *
 * Decision (upstream compares the whole text with its list and says nothing for anything starting
 * with "("): an expression is OSI-approved when a user can comply with it using OSI-approved
 * licences only. So `A OR B` needs one OSI alternative, `A AND B` needs both, `A WITH exception`
 * follows A (exceptions only add permissions) and `A+` follows A. Identifiers are matched without
 * regard to case, operators too (people write "mit or apache-2.0"). LicenseRef-… identifiers are
 * the project's own text and never count as OSI-approved.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { fromProjectRoot } from '../../paths.ts';

export type SpdxExpression =
  | { kind: 'license'; id: string; orLater: boolean }
  | { kind: 'ref'; id: string }
  | { kind: 'with'; license: SpdxExpression; exception: string }
  | { kind: 'and' | 'or'; left: SpdxExpression; right: SpdxExpression };

export type SpdxParse = { ok: true; expression: SpdxExpression } | { ok: false; error: 'empty' | 'too_long' | 'syntax' };

/** Longer than any real expression; keeps a hostile value from costing anything. */
const MAX_LENGTH = 500;
const TOKEN = /\s*(\(|\)|[A-Za-z0-9][A-Za-z0-9.+:-]*)/y;
const ID = /^[A-Za-z0-9][A-Za-z0-9.-]*\+?$/;
const REF = /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match) return undefined;
    tokens.push(match[1]!);
    position = TOKEN.lastIndex;
  }
  return tokens;
}

export function parseSpdx(text: string): SpdxParse {
  const source = text.trim();
  if (source === '') return { ok: false, error: 'empty' };
  if (source.length > MAX_LENGTH) return { ok: false, error: 'too_long' };
  const tokens = tokenize(source);
  if (!tokens) return { ok: false, error: 'syntax' };
  let i = 0;
  const isOp = (t: string | undefined, op: string) => t?.toUpperCase() === op;
  const isKeyword = (t: string) => ['AND', 'OR', 'WITH'].includes(t.toUpperCase());

  // Precedence as the SPDX specification: WITH binds tightest, then AND, then OR.
  function orExpr(depth: number): SpdxExpression | undefined {
    let left = andExpr(depth);
    while (left && isOp(tokens![i], 'OR')) {
      i++;
      const right = andExpr(depth);
      left = right && { kind: 'or', left, right };
    }
    return left;
  }
  function andExpr(depth: number): SpdxExpression | undefined {
    let left = withExpr(depth);
    while (left && isOp(tokens![i], 'AND')) {
      i++;
      const right = withExpr(depth);
      left = right && { kind: 'and', left, right };
    }
    return left;
  }
  function withExpr(depth: number): SpdxExpression | undefined {
    const license = atom(depth);
    if (!license || !isOp(tokens![i], 'WITH')) return license;
    i++;
    const exception = tokens![i++];
    if (!exception || exception === '(' || exception === ')' || isKeyword(exception) || !ID.test(exception)) return undefined;
    return { kind: 'with', license, exception };
  }
  function atom(depth: number): SpdxExpression | undefined {
    const token = tokens![i++];
    if (token === undefined || token === ')' || isKeyword(token)) return undefined;
    if (token === '(') {
      if (depth > 20) return undefined;
      const inner = orExpr(depth + 1);
      if (!inner || tokens![i++] !== ')') return undefined;
      return inner;
    }
    if (REF.test(token)) return { kind: 'ref', id: token };
    if (!ID.test(token)) return undefined;
    const orLater = token.endsWith('+');
    return { kind: 'license', id: orLater ? token.slice(0, -1) : token, orLater };
  }

  const expression = orExpr(0);
  if (!expression || i !== tokens.length) return { ok: false, error: 'syntax' };
  return { ok: true, expression };
}

/** Whether a user can comply using OSI-approved licences only (see the module comment). */
export function isOsiApproved(expression: SpdxExpression, osi: ReadonlySet<string>): boolean {
  switch (expression.kind) {
    case 'license':
      return osi.has(expression.id.toLowerCase());
    case 'ref':
      return false;
    case 'with':
      return isOsiApproved(expression.license, osi);
    case 'and':
      return isOsiApproved(expression.left, osi) && isOsiApproved(expression.right, osi);
    case 'or':
      return isOsiApproved(expression.left, osi) || isOsiApproved(expression.right, osi);
  }
}

const osiFileSchema = z.strictObject({ licenses: z.array(z.string().regex(ID)).min(1) });

export const defaultOsiFile = fromProjectRoot('criteria/automation/osi-licenses.yml');

/** The shipped OSI list, lower-cased for matching. Throws naming the file when it is malformed. */
export function loadOsiLicenses(file: string = defaultOsiFile): ReadonlySet<string> {
  const parsed = osiFileSchema.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]!.message} at ${parsed.error.issues[0]!.path.join('.')}`);
  return new Set(parsed.data.licenses.map((id) => id.toLowerCase()));
}
