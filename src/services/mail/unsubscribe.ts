import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed one-click unsubscribe links. The link names the user id and the day it was issued, not
 * the email address, so addresses never end up in access logs. Links stay valid for 60 days;
 * any configured key verifies, the first one signs (key rotation).
 */
export const UNSUBSCRIBE_VALID_DAYS = 60;

function sign(key: string, userId: number, issued: string): string {
  return createHmac('sha256', key).update(`unsubscribe:${userId}:${issued}`).digest('hex');
}

export function unsubscribeParams(keys: readonly string[], userId: number, now: Date): { user: string; issued: string; token: string } {
  const issued = now.toISOString().slice(0, 10);
  return { user: String(userId), issued, token: sign(keys[0]!, userId, issued) };
}

export function unsubscribeUrl(publicUrl: string, keys: readonly string[], userId: number, now: Date): string {
  return `${publicUrl}/unsubscribe?${new URLSearchParams(unsubscribeParams(keys, userId, now)).toString()}`;
}

/** Returns the user id when the link is genuine and current, otherwise null. */
export function verifyUnsubscribe(keys: readonly string[], params: { user?: unknown; issued?: unknown; token?: unknown }, now: Date): number | null {
  const { user, issued, token } = params;
  if (typeof user !== 'string' || !/^[1-9]\d{0,9}$/.test(user)) return null;
  if (typeof issued !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(issued)) return null;
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) return null;
  const issuedAt = Date.parse(`${issued}T00:00:00Z`);
  const ageDays = (now.getTime() - issuedAt) / 86_400_000;
  if (Number.isNaN(issuedAt) || ageDays < -1 || ageDays > UNSUBSCRIBE_VALID_DAYS) return null;
  const given = Buffer.from(token, 'hex');
  const ok = keys.some((key) => timingSafeEqual(Buffer.from(sign(key, Number(user), issued), 'hex'), given));
  return ok ? Number(user) : null;
}

/** RFC 2369 / RFC 8058 headers: mail clients show an unsubscribe button that POSTs to the link. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
