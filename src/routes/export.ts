import { Router, type NextFunction, type Request, type Response } from 'express';
import { exportChunks } from '../presenters/project-export.ts';
import { parseExportQuery, pumpExport, type ExportFormat, type ExportSink } from '../services/export.ts';
import type { RouteContext } from './context.ts';

function rawSearch(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at >= 0 ? req.originalUrl.slice(at + 1) : '';
}

const hasAll = (req: Request) => new URLSearchParams(rawSearch(req)).has('all');

/** A sink over the HTTP response that honours back-pressure and notices a client going away. */
function responseSink(res: Response): ExportSink {
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  return {
    write(chunk) {
      if (closed || res.destroyed) return Promise.resolve(false);
      if (res.write(chunk)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve(!closed && !res.destroyed);
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
  };
}

async function handleExport(ctx: RouteContext, req: Request, res: Response, format: ExportFormat): Promise<void> {
  const parsed = parseExportQuery(rawSearch(req), ctx.criteria.levels.map((l) => l.key));
  if (!parsed.ok) {
    res.status(400).set('Cache-Control', 'private, no-store').json({ error: 'invalid_export_query', details: parsed.details });
    return;
  }
  const chunks = exportChunks(ctx.services.projectExportBatches(parsed.filter), ctx.criteria, format);
  // The first batch is read before any header is sent, so a database failure there is still an
  // ordinary error response.
  const first = await chunks.next();
  res.status(200).set('Cache-Control', 'private, no-store');
  if (format === 'json') res.type('application/json; charset=utf-8');
  else res.type('text/csv; charset=utf-8').attachment('projects.csv');
  if (req.method === 'HEAD') {
    await chunks.return(undefined);
    res.end();
    return;
  }
  try {
    const sink = responseSink(res);
    const complete = first.done === true || ((await sink.write(first.value)) && (await pumpExport(chunks, sink)));
    if (complete) res.end();
    else await chunks.return(undefined);
  } catch (error) {
    // Headers are gone: cutting the connection is the only way to tell the client the body is incomplete.
    ctx.logger.error('bulk export failed', { format, error: error instanceof Error ? error.message : String(error) });
    res.destroy();
  }
}

/**
 * GET /projects.json?all=1 and /projects.csv?all=1: every live project, streamed. Mounted before
 * the list routes; requests without `all` pass through to them unchanged.
 */
export function exportPublicRoutes(ctx: RouteContext): Router {
  const router = Router();
  const route = (format: ExportFormat) => async (req: Request, res: Response, next: NextFunction) => {
    if (!hasAll(req)) {
      next();
      return;
    }
    await handleExport(ctx, req, res, format);
  };
  router.get('/projects.json', route('json'));
  router.get('/projects.csv', route('csv'));
  return router;
}

/** GET /export: how to download everything, and on what terms. */
export function exportPageRoutes(): Router {
  const router = Router();
  router.get('/export', (_req, res) => {
    res.render('export/index');
  });
  return router;
}
