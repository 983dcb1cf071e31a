import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail, type CapturedMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

interface TransferRow {
  id: number;
  project_id: number;
  from_user_id: number;
  to_user_id: number;
  created_by_id: number;
  status: string;
  expires_at: Date;
  decided_at: Date | null;
  offer_mailed_at: Date | null;
  result_mailed_at: Date | null;
}

async function transfersOf(projectId: number): Promise<TransferRow[]> {
  const { rows } = await t.db.pool.query<TransferRow>('SELECT * FROM ownership_transfers WHERE project_id = $1 ORDER BY id', [projectId]);
  return rows;
}

async function ownerOf(projectId: number): Promise<number> {
  return (await t.db.projects.findById(projectId))!.userId;
}

async function grant(projectId: number, user: User) {
  await t.db.pool.query('INSERT INTO additional_rights (project_id, user_id, updated_at) VALUES ($1, $2, now())', [projectId, user.id]);
}

function mailTo(user: User, subject: string): CapturedMail[] {
  return t.mail.filter((m) => m.to.includes(user.email!.toLowerCase()) && m.subject.includes(subject));
}

/** Posts the transfer form with a token from the form page and expects the given status. */
async function offer(agent: TestAgent, projectId: number, fields: Record<string, string>, status: number) {
  const token = await csrfFor(agent, `/projects/${projectId}/transfer`);
  return agent.post(`/projects/${projectId}/transfer`).type('form').send({ _csrf: token, ...fields }).expect(status);
}

/** An owner with a project, a would-be new owner, and logged-in agents for both. */
async function setup() {
  const owner = await createUser(t.ctx, { name: 'Olivia Owner' });
  const recipient = await createUser(t.ctx, { name: 'Rita Recipient' });
  const project = await createProject(t.ctx, owner, { name: 'Widget Toolkit' });
  return { owner, recipient, project, ownerAgent: await loginAs(t.app, owner), recipientAgent: await loginAs(t.app, recipient) };
}

/** setup() plus an open offer from the owner to the recipient. */
async function withOffer() {
  const s = await setup();
  await offer(s.ownerAgent, s.project.id, { recipient: String(s.recipient.id) }, 303);
  const [row] = await transfersOf(s.project.id);
  return { ...s, transfer: row! };
}

describe('offering ownership (GET/POST /projects/:id/transfer)', () => {
  it('mails the recipient a link to the offer and shows the open offer to the owner', async () => {
    const { owner, recipient, project, ownerAgent } = await setup();
    const form = await ownerAgent.get(`/projects/${project.id}/transfer`).expect(200);
    expect(form.text).toContain('<label for="recipient">');
    expect(form.text).not.toContain('Transfer now (admin)');

    const res = await offer(ownerAgent, project.id, { recipient: `#${recipient.id}` }, 303);
    expect(res.headers.location).toBe(`/projects/${project.id}/transfer`);

    const [row, ...rest] = await transfersOf(project.id);
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({ status: 'pending', from_user_id: owner.id, to_user_id: recipient.id, created_by_id: owner.id, decided_at: null });
    const days = (row!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);

    const mail = await waitForMail(t.mail, recipient.email!, (m) => m.subject.includes('offers you ownership'));
    expect(mail.subject).toBe('Olivia Owner offers you ownership of Widget Toolkit');
    expect(linkIn(mail, `/transfers/${row!.id}`)).toBe(`${t.ctx.config.publicUrl}/en/transfers/${row!.id}`);
    expect((await transfersOf(project.id))[0]!.offer_mailed_at).not.toBeNull();

    const page = await ownerAgent.get(`/projects/${project.id}/transfer`).expect(200);
    expect(page.text).toContain('Ownership has been offered to Rita Recipient');
    expect(page.text).toContain('notified by email');
    expect(page.text).toContain(`name="transfer_id" value="${row!.id}"`);
    expect(page.text).toContain('Withdraw this offer');
  });

  it('finds the recipient by email address, in any letter case', async () => {
    const { recipient, project, ownerAgent } = await setup();
    await offer(ownerAgent, project.id, { recipient: recipient.email!.toUpperCase() }, 303);
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'pending', to_user_id: recipient.id });
  });

  it('withdraws the open offer when the owner offers the project to someone else', async () => {
    const { project, ownerAgent, transfer } = await withOffer();
    const other = await createUser(t.ctx);
    await offer(ownerAgent, project.id, { recipient: String(other.id) }, 303);
    const rows = await transfersOf(project.id);
    expect(rows.map((r) => [r.id === transfer.id ? 'old' : 'new', r.status])).toEqual([['old', 'cancelled'], ['new', 'pending']]);
    expect(rows[0]!.decided_at).not.toBeNull();
  });

  it('forbids collaborators, other users and anonymous visitors to offer the project', async () => {
    const { owner, recipient, project } = await setup();
    const collaborator = await createUser(t.ctx);
    await grant(project.id, collaborator);
    for (const user of [collaborator, await createUser(t.ctx)]) {
      const agent = await loginAs(t.app, user);
      const get = await agent.get(`/projects/${project.id}/transfer`).expect(403);
      expect(get.text).toContain('Only the owner of this project or an administrator may transfer it.');
      const token = await csrfFor(agent);
      await agent.post(`/projects/${project.id}/transfer`).type('form').send({ _csrf: token, recipient: String(recipient.id) }).expect(403);
      await agent.post(`/projects/${project.id}/transfer`).type('form').send({ _csrf: token, recipient: String(user.id), mode: 'direct' }).expect(403);
    }
    const anon = await request(t.app).get(`/projects/${project.id}/transfer`).expect(303);
    expect(anon.headers.location).toBe('/login');
    expect(await transfersOf(project.id)).toEqual([]);
    expect(await ownerOf(project.id)).toBe(owner.id);
    expect(mailTo(recipient, 'offers you ownership')).toHaveLength(0);
  });

  it('shows the "Transfer ownership" link only to those who may transfer', async () => {
    const { project, ownerAgent } = await setup();
    const collaborator = await createUser(t.ctx);
    await grant(project.id, collaborator);
    const link = `href="/projects/${project.id}/transfer"`;
    expect((await ownerAgent.get(`/projects/${project.id}/passing`).expect(200)).text).toContain(link);
    expect((await (await loginAs(t.app, collaborator)).get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
    expect((await request(t.app).get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
  });

  it.each([
    ['empty', () => '', 'Enter the new owner'],
    ['neither id nor email', () => 'rita', 'Enter a user id (a number such as 123) or an email address.'],
    ['an unknown id', () => '2147483000', 'There is no account with user id 2147483000.'],
    ['an id beyond the id range', () => '9999999999', 'There is no account with user id 9999999999.'],
  ])('refuses %s with a clear message and changes nothing', async (_label, value, message) => {
    const { recipient, project, ownerAgent } = await setup();
    const res = await offer(ownerAgent, project.id, { recipient: value() }, 422);
    expect(res.text).toContain(message);
    expect(res.text).toContain('aria-invalid="true"');
    expect(await transfersOf(project.id)).toEqual([]);
    expect(mailTo(recipient, 'offers you ownership')).toHaveLength(0);
  });

  it('refuses the current owner, blocked and unactivated accounts by id', async () => {
    const { owner, project, ownerAgent } = await setup();
    const blocked = await createUser(t.ctx);
    const inactive = await createUser(t.ctx);
    await t.db.pool.query('UPDATE users SET blocked = true WHERE id = $1', [blocked.id]);
    await t.db.pool.query('UPDATE users SET activated = false WHERE id = $1', [inactive.id]);
    const cases: [string, string][] = [
      [String(owner.id), 'This person already owns the project.'],
      [String(blocked.id), `Account ${blocked.id} is blocked and cannot own projects.`],
      [String(inactive.id), `Account ${inactive.id} is not activated yet.`],
    ];
    for (const [value, message] of cases) {
      const res = await offer(ownerAgent, project.id, { recipient: value }, 422);
      expect(res.text).toContain(message);
      expect(res.text).toContain(`value="${value}"`);
    }
    expect(await transfersOf(project.id)).toEqual([]);
    expect(mailTo(blocked, 'offers you ownership')).toHaveLength(0);
    expect(mailTo(inactive, 'offers you ownership')).toHaveLength(0);
  });

  it('answers a non-admin with the same neutral message for unknown, blocked and unactivated addresses', async () => {
    const { project, ownerAgent } = await setup();
    const blocked = await createUser(t.ctx);
    const inactive = await createUser(t.ctx);
    await t.db.pool.query('UPDATE users SET blocked = true WHERE id = $1', [blocked.id]);
    await t.db.pool.query('UPDATE users SET activated = false WHERE id = $1', [inactive.id]);
    const bodies: string[] = [];
    for (const email of ['nobody-here@example.org', blocked.email!, inactive.email!]) {
      const res = await offer(ownerAgent, project.id, { recipient: email }, 422);
      expect(res.text).toContain('The project cannot be offered to this address.');
      expect(res.text).not.toContain('No account uses');
      expect(res.text).not.toContain('blocked');
      expect(res.text).not.toContain('not activated');
      bodies.push(res.text.replace(/name="_csrf" value="[^"]*"/g, '').replace(/value="[^"]*@[^"]*"/g, ''));
    }
    // Byte-identical pages apart from the echoed address and token: nothing to tell them apart.
    expect(new Set(bodies).size).toBe(1);
    expect(await transfersOf(project.id)).toEqual([]);
  });

  it('tells an admin exactly why an address cannot be used', async () => {
    const { project } = await setup();
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const res = await offer(admin, project.id, { recipient: 'nobody-at-all@example.org' }, 422);
    expect(res.text).toContain('No account uses this email address.');
  });

  it('refuses to mail the same recipient again while their offer is open', async () => {
    const { recipient, project, ownerAgent } = await withOffer();
    await waitForMail(t.mail, recipient.email!, (m) => m.subject.includes('offers you ownership'));
    const res = await offer(ownerAgent, project.id, { recipient: String(recipient.id) }, 422);
    expect(res.text).toContain('Rita Recipient already has an open offer for this project.');
    expect(await transfersOf(project.id)).toHaveLength(1);
    expect(mailTo(recipient, 'offers you ownership')).toHaveLength(1);
  });

  it('answers a JSON request with {error, details}', async () => {
    const { project, ownerAgent } = await setup();
    const token = await csrfFor(ownerAgent, `/projects/${project.id}/transfer`);
    const res = await ownerAgent
      .post(`/projects/${project.id}/transfer`)
      .set('x-csrf-token', token)
      .send({ recipient: 'not an id' })
      .expect(422)
      .expect('Content-Type', /json/);
    expect(res.body).toEqual({
      error: 'Nothing was changed because of 1 problem:',
      details: { recipient: ['Enter a user id (a number such as 123) or an email address.'] },
    });
    expect(await transfersOf(project.id)).toEqual([]);
  });

  it('refuses unknown fields and a POST without a CSRF token', async () => {
    const { recipient, project, ownerAgent } = await setup();
    const res = await offer(ownerAgent, project.id, { recipient: String(recipient.id), user_id: '1' }, 422);
    expect(res.text).toContain('&quot;user_id&quot; is not a field of this form.');
    await ownerAgent.post(`/projects/${project.id}/transfer`).type('form').send({ recipient: String(recipient.id) }).expect(403);
    expect(await transfersOf(project.id)).toEqual([]);
  });
});

describe('withdrawing an offer (POST /projects/:id/transfer/cancel)', () => {
  it('lets the owner withdraw the open offer, which then cannot be accepted', async () => {
    const { owner, project, ownerAgent, recipientAgent, transfer } = await withOffer();
    const token = await csrfFor(ownerAgent, `/projects/${project.id}/transfer`);
    const res = await ownerAgent.post(`/projects/${project.id}/transfer/cancel`).type('form').send({ _csrf: token, transfer_id: String(transfer.id) }).expect(303);
    expect(res.headers.location).toBe(`/projects/${project.id}/transfer`);
    expect((await ownerAgent.get(res.headers.location!).expect(200)).text).toContain('The offer was withdrawn.');
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'cancelled' });

    const page = await recipientAgent.get(`/transfers/${transfer.id}`).expect(200);
    expect(page.text).toContain('This offer was withdrawn');
    expect(page.text).not.toContain(`action="/transfers/${transfer.id}/accept"`);
    const accept = await recipientAgent.post(`/transfers/${transfer.id}/accept`).type('form').send({ _csrf: await csrfFor(recipientAgent) }).expect(409);
    expect(accept.text).toContain('This offer is no longer open, so nothing was changed.');
    expect(await ownerOf(project.id)).toBe(owner.id);
  });

  it('forbids others to withdraw it and rejects a malformed form', async () => {
    const { project, recipientAgent, ownerAgent, transfer } = await withOffer();
    await recipientAgent
      .post(`/projects/${project.id}/transfer/cancel`)
      .type('form')
      .send({ _csrf: await csrfFor(recipientAgent), transfer_id: String(transfer.id) })
      .expect(403);
    const bad = await ownerAgent
      .post(`/projects/${project.id}/transfer/cancel`)
      .type('form')
      .send({ _csrf: await csrfFor(ownerAgent), transfer_id: 'x' })
      .expect(422);
    expect(bad.text).toContain('The form did not say which offer to withdraw.');
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'pending' });
  });
});

describe('answering an offer (GET /transfers/:id, POST accept/decline)', () => {
  it('hands the project over on acceptance, mails both parties and records the change', async () => {
    const { owner, recipient, project, ownerAgent, recipientAgent, transfer } = await withOffer();
    // A collaborator who becomes owner should not be listed twice.
    await grant(project.id, recipient);

    const mail = await waitForMail(t.mail, recipient.email!, (m) => m.subject.includes('offers you ownership'));
    const path = new URL(linkIn(mail, '/transfers/')).pathname;
    const page = await recipientAgent.get(path).expect(200);
    expect(page.text).toContain('Olivia Owner offers you ownership of the project entry');
    expect(page.text).toContain('Olivia Owner loses ownership and every right to the entry');
    expect(page.text).toContain(`action="/en/transfers/${transfer.id}/accept"`);
    expect(page.text).toContain(`action="/en/transfers/${transfer.id}/decline"`);

    const res = await recipientAgent.post(`${path}/accept`).type('form').send({ _csrf: await csrfFor(recipientAgent, path) }).expect(303);
    expect(res.headers.location).toBe(`/en/projects/${project.id}`);

    const after = (await t.db.projects.findById(project.id))!;
    expect(after.userId).toBe(recipient.id);
    expect(after.additionalRightUserIds).toEqual([]);
    const [row] = await transfersOf(project.id);
    expect(row).toMatchObject({ status: 'accepted' });
    expect(row!.decided_at).not.toBeNull();

    const [change] = await t.db.projects.changes(project.id, 5);
    expect(change).toMatchObject({ kind: 'transfer', userId: recipient.id, changes: { user_id: [owner.id, recipient.id] } });

    for (const user of [owner, recipient]) {
      const done = await waitForMail(t.mail, user.email!, (m) => m.subject.includes('was transferred'));
      expect(done.subject).toBe('Ownership of Widget Toolkit was transferred');
      expect(done.text).toContain('from Olivia Owner to Rita Recipient');
    }
    expect((await transfersOf(project.id))[0]!.result_mailed_at).not.toBeNull();

    // The old owner keeps nothing; the new one may now transfer.
    await ownerAgent.get(`/projects/${project.id}/transfer`).expect(403);
    await ownerAgent.get(`/projects/${project.id}/passing/edit`).expect(403);
    await recipientAgent.get(`/projects/${project.id}/transfer`).expect(200);

    // A second click changes nothing.
    await recipientAgent.post(`${path}/accept`).type('form').send({ _csrf: await csrfFor(recipientAgent, path) }).expect(409);
    expect(await t.db.projects.changes(project.id, 5)).toHaveLength(1);
  });

  it('keeps the owner on decline and tells them', async () => {
    const { owner, recipient, project, recipientAgent, transfer } = await withOffer();
    const res = await recipientAgent
      .post(`/transfers/${transfer.id}/decline`)
      .type('form')
      .send({ _csrf: await csrfFor(recipientAgent, `/transfers/${transfer.id}`) })
      .expect(303);
    expect(res.headers.location).toBe('/transfers');
    expect((await recipientAgent.get('/transfers').expect(200)).text).toContain('You declined the offer for Widget Toolkit.');
    expect(await ownerOf(project.id)).toBe(owner.id);
    const [row] = await transfersOf(project.id);
    expect(row).toMatchObject({ status: 'declined' });
    expect(row!.decided_at).not.toBeNull();
    const mail = await waitForMail(t.mail, owner.email!, (m) => m.subject.includes('was declined'));
    expect(mail.text).toContain('Rita Recipient declined the offer');
    expect((await transfersOf(project.id))[0]!.result_mailed_at).not.toBeNull();
    expect(mailTo(recipient, 'was declined')).toHaveLength(0);
    await recipientAgent.post(`/transfers/${transfer.id}/accept`).type('form').send({ _csrf: await csrfFor(recipientAgent) }).expect(409);
    expect(await ownerOf(project.id)).toBe(owner.id);
  });

  it('lets nobody but the recipient see or answer the offer', async () => {
    const { owner, project, ownerAgent, transfer } = await withOffer();
    const collaborator = await createUser(t.ctx);
    await grant(project.id, collaborator);
    const others = [ownerAgent, await loginAs(t.app, collaborator), await loginAs(t.app, await createUser(t.ctx)), await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }))];
    for (const agent of others) {
      const page = await agent.get(`/transfers/${transfer.id}`).expect(403);
      expect(page.text).toContain('Only the person this offer was made to may see or answer it.');
      const token = await csrfFor(agent);
      await agent.post(`/transfers/${transfer.id}/accept`).type('form').send({ _csrf: token }).expect(403);
      await agent.post(`/transfers/${transfer.id}/decline`).type('form').send({ _csrf: token }).expect(403);
    }
    const anon = await request(t.app).get(`/transfers/${transfer.id}`).expect(303);
    expect(anon.headers.location).toBe('/login');
    await request(t.app).post(`/transfers/${transfer.id}/accept`).expect(403);
    expect(await ownerOf(project.id)).toBe(owner.id);
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'pending' });
    await ownerAgent.get('/transfers/999999').expect(404);
  });

  it('marks an overdue offer as expired and refuses to accept it', async () => {
    const { owner, project, recipientAgent, transfer } = await withOffer();
    await t.db.pool.query("UPDATE ownership_transfers SET expires_at = now() - interval '1 minute' WHERE id = $1", [transfer.id]);
    const token = await csrfFor(recipientAgent);
    // Accepting straight away, before any page has read (and expired) the offer.
    const res = await recipientAgent.post(`/transfers/${transfer.id}/accept`).type('form').send({ _csrf: token }).expect(409);
    expect(res.text).toContain('This offer is no longer open, so nothing was changed.');
    expect(res.text).toContain('can no longer be accepted');
    expect(await ownerOf(project.id)).toBe(owner.id);
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'expired' });
    const page = await recipientAgent.get(`/transfers/${transfer.id}`).expect(200);
    expect(page.text).toContain('This offer expired on');
    expect(page.text).not.toContain(`action="/transfers/${transfer.id}/accept"`);
    expect(await t.db.projects.changes(project.id, 5)).toEqual([]);
  });

  it('expires an overdue offer when the owner looks at the transfer page', async () => {
    const { project, ownerAgent, transfer } = await withOffer();
    await t.db.pool.query("UPDATE ownership_transfers SET expires_at = now() - interval '1 second' WHERE id = $1", [transfer.id]);
    const page = await ownerAgent.get(`/projects/${project.id}/transfer`).expect(200);
    expect(page.text).not.toContain('Ownership has been offered to');
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'expired' });
  });

  it('withdraws an offer whose maker no longer owns the project', async () => {
    const { recipient, project, recipientAgent, transfer } = await withOffer();
    const third = await createUser(t.ctx);
    await t.db.pool.query('UPDATE projects SET user_id = $1 WHERE id = $2', [third.id, project.id]);
    const res = await recipientAgent
      .post(`/transfers/${transfer.id}/accept`)
      .type('form')
      .send({ _csrf: await csrfFor(recipientAgent) })
      .expect(409);
    expect(res.text).toContain('The project changed owner after this offer was made');
    expect(await ownerOf(project.id)).toBe(third.id);
    expect((await transfersOf(project.id))[0]).toMatchObject({ status: 'cancelled' });
    expect(mailTo(recipient, 'was transferred')).toHaveLength(0);
  });
});

describe('GET /transfers', () => {
  it('lists open incoming offers for the recipient and outgoing ones for the owner, linked from the menu', async () => {
    const { project, ownerAgent, recipientAgent, recipient, transfer } = await withOffer();
    const incoming = await recipientAgent.get('/transfers').expect(200);
    expect(incoming.text).toContain('href="/transfers"');
    expect(incoming.text).toContain(`Your user id is ${recipient.id}.`);
    expect(incoming.text).toContain(`href="/transfers/${transfer.id}"`);
    expect(incoming.text).toContain('Olivia Owner');
    const outgoing = await ownerAgent.get('/transfers').expect(200);
    expect(outgoing.text).toContain(`href="/projects/${project.id}/transfer"`);
    expect(outgoing.text).toContain('Rita Recipient');
    expect(outgoing.text).not.toContain(`href="/transfers/${transfer.id}"`);
    const anon = await request(t.app).get('/transfers').expect(303);
    expect(anon.headers.location).toBe('/login');
  });
});

describe('direct transfer by an admin', () => {
  it('changes the owner at once, withdraws open offers, records the change and mails both parties', async () => {
    const { owner, recipient, project } = await withOffer();
    const other = await createUser(t.ctx, { name: 'Nina New' });
    const adminUser = await createUser(t.ctx, { role: 'admin' });
    const admin = await loginAs(t.app, adminUser);
    expect((await admin.get(`/projects/${project.id}/transfer`).expect(200)).text).toContain('Transfer now (admin)');

    const res = await offer(admin, project.id, { recipient: String(other.id), mode: 'direct' }, 303);
    expect(res.headers.location).toBe(`/projects/${project.id}`);
    expect(await ownerOf(project.id)).toBe(other.id);

    const rows = await transfersOf(project.id);
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'direct']);
    expect(rows[1]).toMatchObject({ from_user_id: owner.id, to_user_id: other.id, created_by_id: adminUser.id });
    expect(rows[1]!.decided_at).not.toBeNull();

    const [change] = await t.db.projects.changes(project.id, 5);
    expect(change).toMatchObject({ kind: 'transfer', userId: adminUser.id, changes: { user_id: [owner.id, other.id] } });

    for (const user of [owner, other]) {
      const mail = await waitForMail(t.mail, user.email!, (m) => m.subject.includes('An administrator changed the owner'));
      expect(mail.text).toContain('from Olivia Owner to Nina New');
    }
    expect((await transfersOf(project.id))[1]!.result_mailed_at).not.toBeNull();
    expect(mailTo(recipient, 'An administrator changed the owner')).toHaveLength(0);
  });

  it('is refused to the owner, who may only make offers', async () => {
    const { owner, recipient, project, ownerAgent } = await setup();
    const res = await offer(ownerAgent, project.id, { recipient: String(recipient.id), mode: 'direct' }, 403);
    expect(res.text).toContain('Only administrators may transfer a project without the new owner accepting.');
    expect(await ownerOf(project.id)).toBe(owner.id);
    expect(await transfersOf(project.id)).toEqual([]);
  });

  it('still validates the new owner', async () => {
    const { owner, project } = await setup();
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const res = await offer(admin, project.id, { recipient: String(owner.id), mode: 'direct' }, 422);
    expect(res.text).toContain('This person already owns the project.');
    expect(await transfersOf(project.id)).toEqual([]);
  });
});
