import type { User } from './user.ts';

/** Ownership transfer offers and direct transfers. */
export type TransferStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'direct';
/** States an offer can leave "pending" for by someone's action (expiry happens on read). */
export type TransferDecision = 'accepted' | 'declined' | 'cancelled';

export interface TransferParty {
  id: number;
  name: string;
}

export interface TransferRecord {
  id: number;
  projectId: number;
  project: { id: number; name: string | null; repoUrl: string | null; homepageUrl: string | null; userId: number; deleted: boolean };
  fromUser: TransferParty;
  toUser: TransferParty;
  createdById: number;
  status: TransferStatus;
  expiresAt: Date;
  decidedAt: Date | null;
  offerMailedAt: Date | null;
  resultMailedAt: Date | null;
  createdAt: Date;
}

export interface NewTransfer {
  projectId: number;
  fromUserId: number;
  toUserId: number;
  createdById: number;
  status: 'pending' | 'direct';
  expiresAt: Date;
  decidedAt?: Date | null;
}

/** The user fields a transfer needs to judge and notify a recipient. */
export type TransferUser = Pick<User, 'id' | 'name' | 'email' | 'activated' | 'blocked' | 'preferredLocale' | 'notificationEmails'>;
