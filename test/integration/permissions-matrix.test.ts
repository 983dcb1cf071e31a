import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { ProjectWithOwner, User } from '../../src/db/types.ts';
import { offerTransfer } from '../../src/services/transfers.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

/**
 * Every route that changes a project, tried by every role. A refused request must answer with
 * the exact status and leave the project's rows untouched; an allowed one must change them.
 * When a mutating project route is added, add a row here.
 */

type Role = 'anonymous' | 'other' | 'recipient' | 'collaborator' | 'owner' | 'admin';
/** "recipient" is the user an ownership offer was made to; towards the project itself they are just another user. */
const ROLES: Role[] = ['anonymous', 'other', 'recipient', 'collaborator', 'owner', 'admin'];

interface Fixture {
  owner: User;
  collaborator: User;
  /** A second collaborator, the subject of "remove someone else". */
  otherCollaborator: User;
  /** Someone with no relation to the project, used as a new collaborator or owner. */
  newcomer: User;
  /** Receives the ownership offer made by `offerTo` (accept/decline rows). */
  recipient: User;
  project: ProjectWithOwner;
  /** Set by routes that need an open ownership offer. */
  transferId?: number;
}

interface RouteSpec {
  method: 'post' | 'put' | 'patch';
  path: (f: Fixture) => string;
  body: (f: Fixture) => Record<string, string>;
  /** Sent as JSON with the CSRF token in a header instead of as a form. */
  json?: boolean;
  /** Puts the project into the state the route expects (before anything is recorded). */
  prepare?: (f: Fixture) => Promise<void>;
}

let t: TestApp;

const ROUTES = {
  'POST   /projects/:id/:level/edit': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/passing/edit`,
    body: () => ({ lock_version: '0', name: 'Renamed by the matrix', interact_status: 'Met' }),
  },
  'PUT    /projects/:id/:level/edit': {
    method: 'put',
    path: (f) => `/projects/${f.project.id}/passing/edit`,
    body: () => ({ lock_version: '0', interact_status: 'Unmet' }),
  },
  'PATCH  /projects/:id/:level/edit (JSON)': {
    method: 'patch',
    json: true,
    path: (f) => `/projects/${f.project.id}/passing/edit`,
    body: () => ({ lock_version: '0', interact_status: 'Met', interact_justification: 'Issue tracker.' }),
  },
  'POST   /projects/:id/:level/automation': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/passing/automation`,
    body: () => ({}),
  },
  'POST   /projects/:id/:level/crosswalk': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/baseline-1/crosswalk`,
    body: () => ({ lock_version: '0' }),
    // A passing answer the crosswalk carries to baseline-1 (sites_https → OSPS-BR-03.01).
    prepare: async (f) => {
      await t.db.pool.query(`UPDATE projects SET answers = answers || '{"sites_https": {"status": 3, "justification": "HTTPS only."}}'::jsonb WHERE id = $1`, [f.project.id]);
    },
  },
  'POST   /projects/:id/collaborators': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/collaborators`,
    body: (f) => ({ collaborator: String(f.newcomer.id) }),
  },
  'POST   /projects/:id/collaborators/:other/delete': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/collaborators/${f.otherCollaborator.id}/delete`,
    body: () => ({}),
  },
  'POST   /projects/:id/collaborators/:collaborator/delete': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/collaborators/${f.collaborator.id}/delete`,
    body: () => ({}),
  },
  'POST   /projects/:id/delete': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/delete`,
    body: () => ({ deletion_rationale: 'This entry was registered by mistake and is a duplicate.' }),
  },
  'POST   /projects/:id/transfer (offer)': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/transfer`,
    body: (f) => ({ recipient: String(f.newcomer.id) }),
  },
  'POST   /projects/:id/transfer (direct)': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/transfer`,
    body: (f) => ({ recipient: String(f.newcomer.id), mode: 'direct' }),
  },
  'POST   /projects/:id/transfer/cancel': {
    method: 'post',
    path: (f) => `/projects/${f.project.id}/transfer/cancel`,
    body: (f) => ({ transfer_id: String(f.transferId) }),
    prepare: (f) => offerTo(f, f.newcomer),
  },
  'POST   /transfers/:transferId/accept': {
    method: 'post',
    path: (f) => `/transfers/${f.transferId}/accept`,
    body: () => ({}),
    prepare: (f) => offerTo(f, f.recipient),
  },
  'POST   /transfers/:transferId/decline': {
    method: 'post',
    path: (f) => `/transfers/${f.transferId}/decline`,
    body: () => ({}),
    prepare: (f) => offerTo(f, f.recipient),
  },
  'POST   /admin/projects/:id/restore': {
    method: 'post',
    path: (f) => `/admin/projects/${f.project.id}/restore`,
    body: () => ({}),
    prepare: async (f) => {
      await t.db.pool.query("UPDATE projects SET deleted_at = now(), deleted_by_id = $2, deletion_rationale = 'matrix' WHERE id = $1", [f.project.id, f.owner.id]);
    },
  },
} satisfies Record<string, RouteSpec>;

type RouteName = keyof typeof ROUTES;

// 401: not logged in (a POST is never redirected, so a form cannot be replayed after login).
// 403: logged in but not allowed. 303: done, redirected to the result.
// Admins may not answer someone else's offer: the direct transfer exists for that.
const MATRIX: [RouteName, anonymous: number, other: number, recipient: number, collaborator: number, owner: number, admin: number][] = [
  // route                                                     anon other recip collab owner admin
  ['POST   /projects/:id/:level/edit',                          401, 403,  403,  303,   303,  303],
  ['PUT    /projects/:id/:level/edit',                          401, 403,  403,  303,   303,  303],
  ['PATCH  /projects/:id/:level/edit (JSON)',                   401, 403,  403,  303,   303,  303],
  ['POST   /projects/:id/:level/automation',                    401, 403,  403,  303,   303,  303],
  ['POST   /projects/:id/:level/crosswalk',                     401, 403,  403,  200,   200,  200], // the result page
  ['POST   /projects/:id/collaborators',                        401, 403,  403,  303,   303,  303],
  ['POST   /projects/:id/collaborators/:other/delete',          401, 403,  403,  403,   303,  303],
  ['POST   /projects/:id/collaborators/:collaborator/delete',   401, 403,  403,  303,   303,  303], // stepping down
  ['POST   /projects/:id/delete',                               401, 403,  403,  403,   303,  303],
  ['POST   /projects/:id/transfer (offer)',                     401, 403,  403,  403,   303,  303],
  ['POST   /projects/:id/transfer (direct)',                    401, 403,  403,  403,   403,  303],
  ['POST   /projects/:id/transfer/cancel',                      401, 403,  403,  403,   303,  303],
  ['POST   /transfers/:transferId/accept',                      401, 403,  303,  403,   403,  403],
  ['POST   /transfers/:transferId/decline',                     401, 403,  303,  403,   403,  403],
  ['POST   /admin/projects/:id/restore',                        401, 403,  403,  403,   403,  303],
];

const CELLS = MATRIX.flatMap(([route, ...statuses]) => ROLES.map((role, i) => [route, role, statuses[i]!] as const));

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

/** An open ownership offer from the owner, made through the service as the owner's form would. */
async function offerTo(f: Fixture, to: User): Promise<void> {
  const outcome = await offerTransfer(t.ctx, f.owner, f.project, { recipient: String(to.id), mode: 'offer' });
  if (!outcome.ok) throw new Error('could not prepare a transfer offer');
  f.transferId = outcome.transfer.id;
}

async function fixture(): Promise<Fixture> {
  const owner = await createUser(t.ctx, { name: 'Owner' });
  const collaborator = await createUser(t.ctx, { name: 'Collaborator' });
  const otherCollaborator = await createUser(t.ctx, { name: 'Second collaborator' });
  const newcomer = await createUser(t.ctx, { name: 'Newcomer' });
  const recipient = await createUser(t.ctx, { name: 'Recipient' });
  const created = await createProject(t.ctx, owner);
  for (const user of [collaborator, otherCollaborator]) {
    await t.db.pool.query('INSERT INTO additional_rights (project_id, user_id, updated_at) VALUES ($1, $2, now())', [created.id, user.id]);
  }
  const project = await t.db.projects.findById(created.id);
  return { owner, collaborator, otherCollaborator, newcomer, recipient, project: project! };
}

/** An agent for the role plus a CSRF token valid in its session (anonymous sessions get one too). */
async function actAs(role: Role, f: Fixture): Promise<{ agent: TestAgent; token: string }> {
  if (role === 'anonymous') {
    const agent = request.agent(t.app);
    return { agent, token: await csrfFor(agent, '/login') };
  }
  const user =
    role === 'owner' ? f.owner
    : role === 'collaborator' ? f.collaborator
    : role === 'recipient' ? f.recipient
    : await createUser(t.ctx, { role: role === 'admin' ? 'admin' : null });
  const agent = await loginAs(t.app, user);
  return { agent, token: await csrfFor(agent) };
}

/** Every row that belongs to the project, as the database holds it. */
async function snapshot(projectId: number) {
  const rows = async (sql: string) => (await t.db.pool.query(sql, [projectId])).rows as unknown[];
  return {
    project: await rows('SELECT * FROM projects WHERE id = $1'),
    rights: await rows('SELECT user_id, created_at FROM additional_rights WHERE project_id = $1 ORDER BY user_id'),
    transfers: await rows('SELECT * FROM ownership_transfers WHERE project_id = $1 ORDER BY id'),
    changes: await rows('SELECT * FROM project_changes WHERE project_id = $1 ORDER BY id'),
    automationRuns: await rows('SELECT id, reason FROM automation_runs WHERE project_id = $1 ORDER BY id'),
  };
}

describe('permission matrix for mutating project routes', () => {
  it('covers every role for every route in the table', () => {
    expect(CELLS).toHaveLength(Object.keys(ROUTES).length * ROLES.length);
    expect(new Set(MATRIX.map(([route]) => route))).toEqual(new Set(Object.keys(ROUTES)));
  });

  it.each(CELLS)('%s as %s answers %i', async (route, role, expected) => {
    const spec: RouteSpec = ROUTES[route];
    const f = await fixture();
    await spec.prepare?.(f);
    const { agent, token } = await actAs(role, f);
    const before = await snapshot(f.project.id);

    const body = spec.body(f);
    const res = spec.json
      ? await agent[spec.method](spec.path(f)).set('x-csrf-token', token).send(body)
      : await agent[spec.method](spec.path(f)).type('form').send({ _csrf: token, ...body });

    expect(res.status, res.text.slice(0, 2000)).toBe(expected);
    const after = await snapshot(f.project.id);
    if (expected >= 400) expect(after).toEqual(before);
    else expect(after).not.toEqual(before);
  });
});
