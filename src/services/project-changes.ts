import type { Repositories } from '../db/client.ts';
import type { ChangeKind, FieldChanges } from '../db/projects.ts';
import { projectKey } from './cdn.ts';
import type { ServiceContext } from './context.ts';
import { queuePurge } from './outbox.ts';

/**
 * Every change worth a history row also changes what the public sees of the project (badge,
 * JSON, anonymous pages), so the one place that records changes also queues the CDN purge and
 * announces the changed badge to every instance's badge cache, in the same transaction (both
 * take effect on commit only). New kinds of change get both by recording themselves here.
 */
export async function recordProjectChange(
  ctx: Pick<ServiceContext, 'config' | 'now'>,
  tx: Pick<Repositories, 'projects' | 'outbox' | 'badgeChanges'>,
  change: { projectId: number; userId: number | null; kind: ChangeKind; changes: FieldChanges; at: Date },
): Promise<void> {
  await tx.projects.recordChange(change.projectId, change.userId, change.kind, change.changes, change.at);
  await queuePurge(ctx, tx, [projectKey(change.projectId)]);
  await tx.badgeChanges.changed([change.projectId]);
}

/** Public output changed without a history row (an owner renamed, projects removed with their owner). */
export async function purgeProjects(ctx: Pick<ServiceContext, 'config' | 'now'>, tx: Pick<Repositories, 'outbox' | 'badgeChanges'>, projectIds: readonly number[]): Promise<void> {
  await queuePurge(ctx, tx, projectIds.map(projectKey));
  if (projectIds.length > 0) await tx.badgeChanges.changed(projectIds);
}
