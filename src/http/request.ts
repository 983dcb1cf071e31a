import type { Request } from 'express';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { RouteContext } from '../services/index.ts';
import { notFound } from './errors.ts';
import { parseId } from './params.ts';

export type FormInput = Record<string, unknown>;

/** The parsed body (urlencoded or JSON), or an empty object when there is none. */
export function formBody(req: Request): FormInput {
  return req.body && typeof req.body === 'object' ? (req.body as FormInput) : {};
}

/** The live project named by the `:id` route parameter, or a 404. */
export async function loadProject(ctx: Pick<RouteContext, 'services'>, req: Request): Promise<ProjectWithOwner> {
  const project = await ctx.services.findProject(parseId(req.params.id as string));
  if (!project) throw notFound('project');
  return project;
}
