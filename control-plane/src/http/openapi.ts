import { z } from 'zod';
import type { AnyRoute } from './route-spec';

type Schema = Record<string, unknown>;

/** zodToSchema covers the zod types the route table uses; anything else documents as `{}`. */
export function zodToSchema(type: z.ZodTypeAny): Schema {
  if (type instanceof z.ZodOptional || type instanceof z.ZodNullable) return zodToSchema(type.unwrap());
  if (type instanceof z.ZodDefault) return { ...zodToSchema(type._def.innerType), default: type._def.defaultValue() };
  if (type instanceof z.ZodEffects) return zodToSchema(type.innerType());
  if (type instanceof z.ZodString) {
    const checks = type._def.checks.map((c) => c.kind);
    return { type: 'string', ...(checks.includes('uuid') ? { format: 'uuid' } : {}) };
  }
  if (type instanceof z.ZodNumber) return { type: type.isInt ? 'integer' : 'number' };
  if (type instanceof z.ZodBoolean) return { type: 'boolean' };
  if (type instanceof z.ZodDate) return { type: 'string', format: 'date-time' };
  if (type instanceof z.ZodEnum) return { type: 'string', enum: type.options };
  if (type instanceof z.ZodLiteral) return { enum: [type.value] };
  if (type instanceof z.ZodArray) return { type: 'array', items: zodToSchema(type.element) };
  if (type instanceof z.ZodRecord) return { type: 'object', additionalProperties: zodToSchema(type.valueSchema) };
  if (type instanceof z.ZodObject) {
    const shape = type.shape as Record<string, z.ZodTypeAny>;
    const required = Object.entries(shape).filter(([, v]) => !v.isOptional()).map(([k]) => k);
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, zodToSchema(v)])),
      ...(required.length ? { required } : {}),
    };
  }
  return {};
}

/** Express `/v1/sites/:siteId` becomes OpenAPI `/v1/sites/{siteId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const ERROR = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/**
 * buildOpenApi documents the route table it is given: the served document and the mounted
 * routes come from the same list, and a test checks every mounted route appears here.
 */
export function buildOpenApi(routes: AnyRoute[], extraPaths: Record<string, Schema>, version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: /Id$/.test(m[1]) ? { type: 'string', format: 'uuid' } : { type: 'string' },
    }));
    const querySchema = r.query ? zodToSchema(r.query as z.ZodTypeAny) : undefined;
    const queryParams = Object.entries((querySchema?.properties ?? {}) as Record<string, Schema>).map(([name, schema]) => ({
      name,
      in: 'query',
      required: ((querySchema?.required ?? []) as string[]).includes(name),
      schema,
    }));
    const produces = r.produces ?? ['application/json'];
    const op: Schema = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${openApiPath(r.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...params, ...queryParams],
      security: r.auth === 'user' ? [{ bearer: [] }] : r.auth === 'webhook' ? [{ webhookToken: [] }] : [],
      ...(r.roles ? { 'x-roles': r.roles } : {}),
      'x-scope': r.scope,
      responses: {
        [String(r.successStatus ?? 200)]: { description: 'success', content: Object.fromEntries(produces.map((p) => [p, {}])) },
        ...(r.body || r.query ? { '400': ERROR } : {}),
        ...(r.auth !== 'public' ? { '401': ERROR } : {}),
        ...(r.auth === 'user' ? { '403': ERROR } : {}),
        ...(r.path.includes(':') ? { '404': ERROR } : {}),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: zodToSchema(r.body as z.ZodTypeAny) } } };
    (paths[openApiPath(r.path)] ??= {})[r.method] = op;
  }
  for (const [path, ops] of Object.entries(extraPaths)) paths[path] = { ...(paths[path] ?? {}), ...(ops as Record<string, Schema>) };
  return {
    openapi: '3.0.3',
    info: {
      title: 'FreshTrack Pro control plane',
      version,
      description: 'Inventory, acknowledgement, corrective actions and audit evidence. Every route but the public ones needs a JWT whose organization scopes all data.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, webhookToken: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: { type: 'object', properties: { error: { type: 'string' }, field: { type: 'string' } }, required: ['error'] } },
    },
    paths,
  };
}
