/** Accounts and mail-link tokens, as the application sees them (src/db maps the rows). */

export interface User {
  id: number;
  /** 'local' or 'github'. */
  provider: string;
  uid: string | null;
  name: string;
  nickname: string | null;
  email: string | null;
  passwordDigest: string | null;
  role: string | null;
  activated: boolean;
  activatedAt: Date | null;
  preferredLocale: string;
  blocked: boolean;
  blockedRationale: string | null;
  /** Reminder and other non-account mail; unsubscribable by a signed link. */
  notificationEmails: boolean;
  /** Badge level gained/lost mail; changeable only in the profile. */
  importantNotifications: boolean;
  activationEmailSentAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewLocalUser {
  name: string;
  email: string;
  passwordDigest: string;
  role?: string | null;
  preferredLocale?: string;
  /** Local sign-ups start unactivated; seeds and tests may create active accounts. */
  activated?: boolean;
}

export interface ProfileChanges {
  name?: string;
  preferredLocale?: string;
  notificationEmails?: boolean;
  importantNotifications?: boolean;
}

export interface GithubIdentity {
  uid: string;
  nickname: string;
  name: string;
  email: string | null;
}

export type TokenPurpose = 'activation' | 'password_reset' | 'email_change';

/** A mail-link token; only its SHA-256 digest is stored. */
export interface UserToken {
  id: number;
  userId: number;
  purpose: string;
  digest: string;
  newEmail: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}
