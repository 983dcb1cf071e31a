import type { User } from '../../db/types.ts';
import type { ServiceContext } from '../context.ts';
import { isLocale, localisedSiteUrl } from '../../i18n.ts';
import { queueMail } from '../outbox.ts';
import { unsubscribeHeaders, unsubscribeUrl } from './unsubscribe.ts';

export type { Mailer, MailMessage } from './transport.ts';

/** Mail about the account itself; always sent, never carries an unsubscribe link. */
export type AccountMail = 'activation' | 'password_reset' | 'email_change' | 'email_changed_notice';
/** Everything else; honours notification_emails and carries a one-click unsubscribe link. */
export type NotificationMail = 'transfer_offer' | 'transfer_accepted' | 'transfer_declined' | 'transfer_direct' | 'collaborator_added' | 'reminder' | 'level_gained' | 'level_lost';

/** Badge level news uses its own opt-out (important_notifications); everything else notification_emails. */
const IMPORTANT: ReadonlySet<NotificationMail> = new Set(['level_gained', 'level_lost']);

type Recipient = Pick<User, 'id' | 'name' | 'email' | 'preferredLocale'>;
type Values = Record<string, string | number>;

function compose(ctx: ServiceContext, locale: string, kind: string, values: Values) {
  const t = ctx.i18n.getFixedT(locale, 'mail');
  // Links to pages open in the mail's language (badges and JSON have none).
  const localised = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'string' && isLocale(locale) ? localisedSiteUrl(ctx.config.publicUrl, v, locale) : v]),
  );
  const all = { appName: t('app_name'), publicUrl: ctx.config.publicUrl, ...localised };
  return { subject: t(`${kind}.subject`, all), body: t(`${kind}.body`, all), signature: t('signature', all) };
}

/**
 * Queues the mail in the outbox of `ctx`'s database: call it with a transaction-bound context
 * (src/services/transaction.ts) so the mail leaves only if the change it reports commits.
 */
export async function queueAccountMail(ctx: ServiceContext, user: Recipient, kind: AccountMail, values: Values, to?: string): Promise<void> {
  const address = to ?? user.email;
  if (!address) return;
  const { subject, body, signature } = compose(ctx, user.preferredLocale, kind, { name: user.name, ...values });
  await queueMail(ctx.db, { to: address, subject, text: `${body}\n\n${signature}\n` }, { category: kind === 'password_reset' ? 'password_reset' : 'account' });
}

/**
 * Returns false when the user has opted out (or has no address) and nothing was queued.
 * `senderId` is the user whose action caused the notice (the per-sender mail limit).
 */
export async function queueNotification(
  ctx: ServiceContext,
  user: Recipient & Pick<User, 'notificationEmails'> & Partial<Pick<User, 'importantNotifications'>>,
  kind: NotificationMail,
  values: Values,
  senderId: number | null = null,
): Promise<boolean> {
  const wanted = IMPORTANT.has(kind) ? user.importantNotifications === true : user.notificationEmails;
  if (!user.email || !wanted) return false;
  const link = unsubscribeUrl(ctx.config.publicUrl, ctx.config.unsubscribeKeys, user.id, ctx.now());
  const { subject, body, signature } = compose(ctx, user.preferredLocale, kind, { name: user.name, ...values });
  const footer = ctx.i18n.getFixedT(user.preferredLocale, 'mail')('unsubscribe_footer', { url: link });
  await queueMail(ctx.db, { to: user.email, subject, text: `${body}\n\n${signature}\n\n${footer}\n`, headers: unsubscribeHeaders(link) }, { category: 'notification', senderId });
  return true;
}
