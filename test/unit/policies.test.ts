import { describe, expect, it } from 'vitest';
import { can, canCreateProject, type Actor } from '../../src/policies/projects.ts';

const project = { userId: 1, additionalRightUserIds: [2] };
const owner: Actor = { id: 1, role: null, blocked: false };
const collaborator: Actor = { id: 2, role: null, blocked: false };
const stranger: Actor = { id: 3, role: null, blocked: false };
const admin: Actor = { id: 4, role: 'admin', blocked: false };
const blockedOwner: Actor = { id: 1, role: null, blocked: true };

describe('project policy', () => {
  it.each([
    ['anonymous', null, [true, false, false]],
    ['stranger', stranger, [true, false, false]],
    ['collaborator', collaborator, [true, true, false]],
    ['owner', owner, [true, true, true]],
    ['admin', admin, [true, true, true]],
    ['blocked owner', blockedOwner, [true, false, false]],
  ] as const)('%s: view/edit/control', (_name, actor, expected) => {
    expect([can(actor, 'view', project), can(actor, 'edit', project), can(actor, 'control', project)]).toEqual(expected);
  });

  it('only logged-in, unblocked users create projects', () => {
    expect([canCreateProject(null), canCreateProject(stranger), canCreateProject(blockedOwner)]).toEqual([false, true, false]);
  });
});
