import { describe, expect, it } from 'vitest';
import { can, canAdminister, canCreateProject, type Actor, type ProjectAction } from '../../src/policies/projects.ts';

const project = { userId: 1, additionalRightUserIds: [2] };
const owner: Actor = { id: 1, role: null, blocked: false };
const collaborator: Actor = { id: 2, role: null, blocked: false };
const stranger: Actor = { id: 3, role: null, blocked: false };
const admin: Actor = { id: 4, role: 'admin', blocked: false };
const blockedOwner: Actor = { id: 1, role: null, blocked: true };
const blockedAdmin: Actor = { id: 5, role: 'admin', blocked: true };

const actions: ProjectAction[] = ['view', 'edit', 'add_collaborator', 'remove_collaborator', 'delete', 'transfer', 'transfer_direct', 'restore'];

describe('project policy', () => {
  it.each([
    ['anonymous', null, [true, false, false, false, false, false, false, false]],
    ['stranger', stranger, [true, false, false, false, false, false, false, false]],
    ['collaborator', collaborator, [true, true, true, false, false, false, false, false]],
    ['owner', owner, [true, true, true, true, true, true, false, false]],
    ['admin', admin, [true, true, true, true, true, true, true, true]],
    ['blocked owner', blockedOwner, [true, false, false, false, false, false, false, false]],
    ['blocked admin', blockedAdmin, [true, false, false, false, false, false, false, false]],
  ] as const)('%s', (_name, actor, expected) => {
    // remove_collaborator asked about someone else (user 9).
    expect(actions.map((a) => can(actor, a, project, 9))).toEqual(expected);
  });

  it('lets a collaborator remove only themselves', () => {
    expect(can(collaborator, 'remove_collaborator', project, 2)).toBe(true);
    expect(can(collaborator, 'remove_collaborator', project, 3)).toBe(false);
  });

  it('only logged-in, unblocked users create projects; only active admins administer', () => {
    expect([canCreateProject(null), canCreateProject(stranger), canCreateProject(blockedOwner)]).toEqual([false, true, false]);
    expect([canAdminister(admin), canAdminister(blockedAdmin), canAdminister(owner)]).toEqual([true, false, false]);
  });
});
