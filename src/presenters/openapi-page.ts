import type { JsonSchema, OpenApiDocument } from './openapi.ts';

/** View model of GET /api: the OpenAPI document flattened into tables. */

export interface ApiPageParameter {
  name: string;
  in: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ApiPageOperation {
  anchor: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  parameters: ApiPageParameter[];
  responses: { status: string; description: string; content: string[] }[];
}

export interface ApiPageSchema {
  name: string;
  properties: { name: string; type: string; required: boolean }[];
}

export interface ApiPageView {
  title: string;
  version: string;
  description: string;
  operations: ApiPageOperation[];
  schemas: ApiPageSchema[];
}

const PATTERN_LIMIT = 40;

/** A short, human-readable type: `integer`, `string | null`, `Met | Unmet`, `array of Project`. */
export function describeType(schema: JsonSchema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? schema.$ref;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(describeType).join(' | ');
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type)];
  return types
    .map((type) => {
      if (type === 'array') return `array of ${describeType(schema.items as JsonSchema | undefined)}`;
      const details: string[] = [];
      if (typeof schema.format === 'string') details.push(schema.format);
      else if (typeof schema.pattern === 'string' && schema.pattern.length <= PATTERN_LIMIT) details.push(`pattern ${schema.pattern}`);
      if (typeof schema.maxLength === 'number') details.push(`max ${schema.maxLength} characters`);
      return details.length && type !== 'null' ? `${type} (${details.join(', ')})` : type;
    })
    .join(' | ');
}

export function apiPageView(doc: OpenApiDocument): ApiPageView {
  const operations: ApiPageOperation[] = Object.entries(doc.paths).map(([path, item]) => {
    const op = item.get;
    return {
      anchor: op.operationId,
      method: 'GET',
      path,
      summary: op.summary,
      description: op.description,
      parameters: op.parameters.map((p) => ({ name: p.name, in: p.in, type: describeType(p.schema), required: p.required, description: p.description })),
      responses: Object.entries(op.responses).map(([status, r]) => ({
        status,
        description: r.description,
        content: Object.entries(r.content ?? {}).map(([type, media]) => `${type}: ${describeType(media.schema)}`),
      })),
    };
  });
  const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([prop, s]) => ({ name: prop, type: describeType(s), required: required.has(prop) }));
    return { name, properties };
  });
  return { title: doc.info.title, version: doc.info.version, description: doc.info.description, operations, schemas };
}
