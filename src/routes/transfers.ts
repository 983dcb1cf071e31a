import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { TransferRecord } from '../domain/transfer.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { requireLogin } from '../http/auth.ts';
import { HttpError, notFound, sendFieldErrors, wantsJson } from '../http/errors.ts';
import { parseId } from '../http/params.ts';
import { addFlash } from '../http/view-locals.ts';
import type { Translate } from '../i18n.ts';
import { can } from '../policies/projects.ts';
import { canAnswerTransfer } from '../policies/transfers.ts';
import { RECIPIENT_FIELD, isOpen, parseTransferForm, type FormInput } from '../services/transfers.ts';
import { addError, fieldErrors, idSchema, parseForm, type FieldErrors } from '../services/validation.ts';
import { formBody, loadProject } from '../http/request.ts';
import type { RouteContext } from './context.ts';

type Refusal = 'not_owner' | 'not_recipient' | 'not_admin';

const cancelSchema = z.object({ _csrf: z.string().optional(), transfer_id: idSchema });


function projectName(project: Pick<ProjectWithOwner, 'id' | 'name'>): string {
  return project.name ?? `#${project.id}`;
}

/**
 * Ownership hand-over: the owner offers, the recipient accepts or declines, an admin may
 * transfer at once. Registered before the project routes: "/projects/:id/transfer" would
 * otherwise be taken for a criteria level called "transfer".
 */
export function transferRoutes(ctx: RouteContext): Router {
  const router = Router();
  // The error page shows a generic text for the plain "forbidden" code; a code of our own keeps
  // the specific reason (translated here) on the page and in JSON.
  const refused = (reason: Refusal): HttpError => new HttpError(403, `transfer_${reason}`, reason, undefined, `transfers:forbidden.${reason}`);


  /** Loads the offer and refuses anyone but its recipient (404 first: ids are not secret). */
  async function loadOwnTransfer(req: Request): Promise<TransferRecord> {
    const transfer = await ctx.services.findTransfer(parseId(req.params.transferId as string, 'transfer'));
    if (!transfer) throw notFound('transfer');
    if (!canAnswerTransfer(req.user, transfer)) throw refused('not_recipient');
    return transfer;
  }

  /** JSON clients get {error, details} with translated messages; forms get the page again. */
  function sendJsonErrors(req: Request, res: Response, status: number, errors: FieldErrors): boolean {
    if (!wantsJson(req)) return false;
    sendFieldErrors(res, res.locals.t as Translate, status, 'transfers:errors_summary', errors);
    return true;
  }

  async function renderProjectPage(req: Request, res: Response, project: ProjectWithOwner, status: number, input: FormInput, errors: FieldErrors) {
    if (status !== 200 && sendJsonErrors(req, res, status, errors)) return;
    res.status(status).render('transfers/project', {
      project,
      projectName: projectName(project),
      pending: await ctx.services.pendingTransfer(project.id),
      canDirect: can(req.user, 'transfer_direct', project),
      offerDays: ctx.config.transferOfferDays,
      input: { recipient: typeof input[RECIPIENT_FIELD] === 'string' ? input[RECIPIENT_FIELD] : '' },
      errors,
    });
  }

  function renderOffer(req: Request, res: Response, transfer: TransferRecord, status = 200, problem?: string) {
    if (problem) {
      const errors = fieldErrors();
      addError(errors, 'form', problem);
      if (sendJsonErrors(req, res, status, errors)) return;
    }
    res.status(status).render('transfers/show', { transfer, open: isOpen(ctx, transfer), problem });
  }

  router.get('/projects/:id/transfer', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'transfer', project)) throw refused('not_owner');
    await renderProjectPage(req, res, project, 200, {}, {});
  });

  router.post('/projects/:id/transfer', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'transfer', project)) throw refused('not_owner');
    const input = formBody(req);
    const parsed = parseTransferForm(input);
    // The admin-only button is refused before anything about the form is reported.
    if (parsed.ok ? parsed.form.mode === 'direct' : parsed.mode === 'direct') {
      if (!can(req.user, 'transfer_direct', project)) throw refused('not_admin');
    }
    if (!parsed.ok) {
      await renderProjectPage(req, res, project, 422, input, parsed.errors);
      return;
    }
    const outcome = await ctx.services.offerTransfer(req.user!, project, parsed.form);
    if (!outcome.ok) {
      const current = (await ctx.services.findProject(project.id)) ?? project;
      await renderProjectPage(req, res, current, outcome.status, input, outcome.errors);
      return;
    }
    const values = { name: outcome.transfer.toUser.name, project: projectName(project) };
    if (outcome.mode === 'direct') {
      addFlash(req, 'success', 'transfers:flash.direct_done', values);
      res.redirect(303, `/projects/${project.id}`);
      return;
    }
    addFlash(req, outcome.mailed ? 'success' : 'warning', outcome.mailed ? 'transfers:flash.offer_sent' : 'transfers:flash.offer_not_mailed', values);
    res.redirect(303, `/projects/${project.id}/transfer`);
  });

  router.post('/projects/:id/transfer/cancel', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'transfer', project)) throw refused('not_owner');
    const parsed = parseForm(cancelSchema, formBody(req));
    if (!parsed.ok) {
      const errors = fieldErrors();
      addError(errors, 'form', 'transfers:errors.cancel_invalid');
      await renderProjectPage(req, res, project, 422, {}, errors);
      return;
    }
    const cancelled = await ctx.services.cancelTransfer(project, parsed.value.transfer_id);
    addFlash(req, cancelled ? 'success' : 'info', cancelled ? 'transfers:flash.cancelled' : 'transfers:flash.nothing_to_cancel');
    res.redirect(303, `/projects/${project.id}/transfer`);
  });

  router.get('/transfers', requireLogin, async (req, res) => {
    const { incoming, outgoing } = await ctx.services.transfersOverview(req.user!.id);
    res.render('transfers/index', { incoming, outgoing });
  });

  router.get('/transfers/:transferId', requireLogin, async (req, res) => {
    renderOffer(req, res, await loadOwnTransfer(req));
  });

  router.post('/transfers/:transferId/accept', requireLogin, async (req, res) => {
    const transfer = await loadOwnTransfer(req);
    const outcome = await ctx.services.acceptTransfer(req.user!, transfer);
    if (!outcome.ok) {
      const problem = outcome.reason === 'owner_changed' ? 'transfers:problems.owner_changed' : 'transfers:problems.not_open';
      renderOffer(req, res, outcome.transfer ?? transfer, 409, problem);
      return;
    }
    addFlash(req, 'success', 'transfers:flash.accepted', { project: transfer.project.name ?? `#${transfer.projectId}` });
    res.redirect(303, `/projects/${transfer.projectId}`);
  });

  router.post('/transfers/:transferId/decline', requireLogin, async (req, res) => {
    const transfer = await loadOwnTransfer(req);
    const outcome = await ctx.services.declineTransfer(req.user!, transfer);
    if (!outcome.ok) {
      renderOffer(req, res, outcome.transfer ?? transfer, 409, 'transfers:problems.not_open');
      return;
    }
    addFlash(req, 'info', 'transfers:flash.declined', { project: transfer.project.name ?? `#${transfer.projectId}` });
    res.redirect(303, '/transfers');
  });

  return router;
}
