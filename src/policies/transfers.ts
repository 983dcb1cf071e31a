import type { TransferRecord } from '../domain/transfer.ts';
import type { Actor } from './projects.ts';

/**
 * Who may answer an ownership offer: only the account it was made to. Admins are deliberately
 * not included: taking over a project on someone's behalf is what the direct transfer
 * (`can(actor, 'transfer_direct', project)`) is for, and it leaves its own trace.
 * Offering (and withdrawing an offer) is the project action `transfer` in ./projects.ts.
 */
export function canAnswerTransfer(actor: Actor, transfer: Pick<TransferRecord, 'toUser'>): boolean {
  return !!actor && !actor.blocked && actor.id === transfer.toUser.id;
}
