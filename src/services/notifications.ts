import type { Series } from '../criteria/index.ts';
import type { Project } from '../domain/project.ts';
import { isLoss } from './scoring/index.ts';
import type { ServiceContext } from './context.ts';
import { queueNotification } from './mail/index.ts';
import { inTransaction } from './transaction.ts';

/**
 * Tells the owner when a save changed the project's badge level. Called with the save's
 * transaction-bound context, so the notice is queued only if the save commits.
 */
export async function notifyLevelChange(ctx: ServiceContext, project: Project, previousLevel: string, newLevel: string, actorId: number | null, series: Series = 'metal'): Promise<void> {
  if (previousLevel === newLevel) return;
  const owner = await ctx.db.users.findById(project.userId);
  if (!owner) return;
  const lost = isLoss(ctx.criteria, series, previousLevel, newLevel);
  const t = ctx.i18n.getFixedT(owner.preferredLocale);
  await queueNotification(
    ctx,
    owner,
    lost ? 'level_lost' : 'level_gained',
    {
      projectName: project.name ?? t('projects.unnamed'),
      level: t(`badge_levels.${newLevel}`, { defaultValue: t(`criteria:levels.${newLevel}`, { defaultValue: newLevel }) }),
      url: `${ctx.config.publicUrl}/projects/${project.id}`,
      // The gained mail's snippets embed the badge of the series that changed.
      badgeUrl: `${ctx.config.publicUrl}/projects/${project.id}/${series === 'baseline' ? 'baseline' : 'badge'}`,
    },
    actorId === owner.id ? null : actorId,
  );
}

export interface ReminderOptions {
  /** Projects untouched for at least this many days are reminded. */
  idleDays: number;
  /** And not reminded again within this many days. */
  repeatDays: number;
  /** At most this many mails per run, so a backlog drains slowly instead of all at once. */
  limit: number;
}

/**
 * Daily reminder to owners of projects still in progress and left untouched. The targets are
 * claimed and stamped in one statement (FOR UPDATE SKIP LOCKED), so two app instances running
 * the job at the same time never remind the same project twice.
 */
export async function sendReminders(ctx: ServiceContext, options: ReminderOptions): Promise<number> {
  const now = ctx.now();
  // Claim and queue together: a crash in between neither loses a reminder nor stamps it unsent.
  return inTransaction(ctx, async (tx) => {
    const claimed = await tx.db.projects.claimReminderTargets(now, options);
    let queued = 0;
    for (const target of claimed) {
      const owner = await tx.db.users.findById(target.userId);
      if (!owner) continue;
      const t = ctx.i18n.getFixedT(owner.preferredLocale);
      const wanted = await queueNotification(tx, owner, 'reminder', {
        projectName: target.name ?? t('projects.unnamed'),
        percent: target.badgePercentage0 ?? 0,
        url: `${ctx.config.publicUrl}/projects/${target.id}`,
      });
      if (wanted) queued += 1;
    }
    return queued;
  });
}

/** Local accounts never activated within the allowed days (and owning nothing) are removed. */
export async function purgeUnactivatedUsers(ctx: ServiceContext, days: number): Promise<number> {
  return ctx.db.users.purgeUnactivated(new Date(ctx.now().getTime() - days * 86_400_000));
}
