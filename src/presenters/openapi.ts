import fs from 'node:fs';
import { z } from 'zod';
import type { CriteriaSet } from '../criteria/index.ts';
import { badgeJsonSchema, baselineBadgeJsonSchema, errorJsonSchema, listQuerySchema, projectJsonSchema } from './schemas.ts';
import { BADGE_STYLES } from '../services/badge.ts';
import { fromProjectRoot } from '../paths.ts';

/**
 * The OpenAPI 3.1 description of the public read routes, generated from the zod schemas in
 * src/presenters/schemas.ts (the same ones the tests parse real responses with). Human-readable
 * text comes from locales/en/api_docs.json.
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  parameters: OpenApiParameter[];
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, { get: OpenApiOperation }>;
  components: { schemas: Record<string, JsonSchema> };
}

interface Strings {
  title: string;
  description: string;
  params: Record<string, string>;
  responses: Record<string, string>;
  [operation: string]: unknown;
}

const localesFile = fromProjectRoot('locales', 'en', 'api_docs.json');

function strings(): Strings {
  const all = JSON.parse(fs.readFileSync(localesFile, 'utf8')) as { openapi: Strings };
  return all.openapi;
}

const API_VERSION = '1.0.0';

function jsonSchema(schema: z.ZodType): JsonSchema {
  // Each schema is embedded in the document, whose dialect is already 2020-12: no $schema per entry.
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchema;
  delete generated.$schema;
  return generated;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const svg = { 'image/svg+xml': { schema: { type: 'string' } } };

export function buildOpenApiUncached(set: CriteriaSet, publicUrl: string): OpenApiDocument {
  const s = strings();
  const param = (name: string) => s.params[name] ?? name;
  const response = (name: string) => s.responses[name] ?? name;
  const op = (key: string) => (s[key] ?? {}) as { summary?: string; description?: string };
  const errorResponse = (name: string): OpenApiResponse => ({ description: response(name), content: json(ref('Error')) });
  // Errors of the image routes are the HTML error page (the error handler answers JSON only to .json paths).
  const htmlError = (name: string): OpenApiResponse => ({ description: response(name), content: { 'text/html': { schema: { type: 'string' } } } });

  const idParam: OpenApiParameter = { name: 'id', in: 'path', required: true, description: param('id'), schema: { type: 'integer', minimum: 1 } };
  const styleParam: OpenApiParameter = { name: 'style', in: 'query', required: false, description: param('style'), schema: { type: 'string', enum: [...BADGE_STYLES], default: 'flat' } };
  const listParams: OpenApiParameter[] = Object.entries(listQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: param(name),
    schema: jsonSchema(schema.unwrap()),
  }));
  const operation = (key: string, parameters: OpenApiParameter[], responses: Record<string, OpenApiResponse>): { get: OpenApiOperation } => ({
    get: { operationId: key, summary: op(key).summary ?? key, description: op(key).description ?? '', parameters, responses },
  });
  const listResponses = (ok: OpenApiResponse): Record<string, OpenApiResponse> => ({
    '200': ok,
    '301': { description: response('redirect') },
    '302': { description: response('redirect') },
    '400': errorResponse('bad_request'),
    '404': errorResponse('no_match'),
    '409': errorResponse('ambiguous'),
  });

  return {
    openapi: '3.1.0',
    info: { title: s.title, version: API_VERSION, description: s.description },
    servers: [{ url: publicUrl }],
    paths: {
      '/projects/{id}.json': operation('project', [idParam], {
        '200': { description: response('ok'), content: json(ref('Project')) },
        '404': errorResponse('not_found'),
      }),
      '/projects/{id}/badge': operation('badge', [idParam, styleParam], {
        '200': { description: response('svg'), content: svg },
        '400': htmlError('bad_request'),
        '404': htmlError('not_found'),
      }),
      '/projects/{id}/badge.json': operation('badge_json', [idParam], {
        '200': { description: response('ok'), content: json(ref('Badge')) },
        '404': errorResponse('not_found'),
      }),
      '/projects/{id}/baseline': operation('baseline', [idParam, styleParam], {
        '200': { description: response('svg'), content: svg },
        '400': htmlError('bad_request'),
        '404': htmlError('not_found'),
      }),
      '/projects/{id}/baseline.json': operation('baseline_json', [idParam], {
        '200': { description: response('ok'), content: json(ref('BaselineBadge')) },
        '404': errorResponse('not_found'),
      }),
      '/projects/{id}/bestpractices.json': operation('repo_json', [idParam], {
        '200': { description: response('attachment'), content: json({ type: 'object', additionalProperties: { type: 'string' } }) },
        '404': errorResponse('not_found'),
      }),
      '/projects/{id}/security-insights.yml': operation('security_insights', [idParam], {
        '200': { description: response('attachment'), content: { 'application/yaml': { schema: { type: 'string' } } } },
        '404': htmlError('not_found'),
      }),
      '/projects.json': operation('list_json', listParams, listResponses({ description: response('ok'), content: json({ type: 'array', items: ref('Project') }) })),
      '/projects.csv': operation('list_csv', listParams, listResponses({ description: response('csv'), content: { 'text/csv': { schema: { type: 'string' } } } })),
      '/badge_static/{value}': operation('badge_static', [
        { name: 'value', in: 'path', required: true, description: param('value'), schema: { type: 'string' } },
        styleParam,
      ], {
        '200': { description: response('svg'), content: svg },
        '400': htmlError('bad_request'),
        '404': htmlError('not_found'),
      }),
    },
    components: {
      schemas: {
        Project: jsonSchema(projectJsonSchema(set)),
        Badge: jsonSchema(badgeJsonSchema(set)),
        BaselineBadge: jsonSchema(baselineBadgeJsonSchema(set)),
        Error: jsonSchema(errorJsonSchema),
      },
    },
  };
}

const cache = new WeakMap<CriteriaSet, Map<string, OpenApiDocument>>();

/** The document for the loaded criteria and public URL, built once per process. */
export function buildOpenApi(set: CriteriaSet, publicUrl: string): OpenApiDocument {
  let byUrl = cache.get(set);
  if (!byUrl) {
    byUrl = new Map();
    cache.set(set, byUrl);
  }
  let doc = byUrl.get(publicUrl);
  if (!doc) {
    doc = buildOpenApiUncached(set, publicUrl);
    byUrl.set(publicUrl, doc);
  }
  return doc;
}
