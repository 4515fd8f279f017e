import type { z } from 'zod';
import type { Principal, Role } from '../domain/roles';
import type { OrgStores } from '../stores/org-stores';
import type { ControlPlaneServices } from '../services/control-plane-services';

/**
 * How a route authenticates: `user` needs a JWT (Bearer header, or the /audit session cookie
 * on GET); `public` needs nothing; `webhook` needs the router's shared bearer token when set.
 */
export type RouteAuth = 'user' | 'public' | 'webhook';

export type RouteResult =
  | { status?: number; json: unknown }
  | { csv: string; filename: string }
  | { html: string; status?: number }
  | { redirect: string; setCookie?: string };

export interface RouteContext<Q, B> {
  principal: Principal;
  /** Stores bound to the caller's organization: the only way a handler reaches tenant data. */
  stores: OrgStores;
  params: Record<string, string>;
  query: Q;
  body: B;
  services: ControlPlaneServices;
}

/** `platform` routes serve records of the shared service (backups, certificates), not of one org. */
export type RouteScope = 'org' | 'platform' | 'public';

export interface RouteSpec<Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  scope: RouteScope;
  roles?: readonly Role[];
  query?: z.ZodType<Q, z.ZodTypeDef, unknown>;
  body?: z.ZodType<B, z.ZodTypeDef, unknown>;
  /** Content types the route answers with; the default is JSON. */
  produces?: ('application/json' | 'text/csv' | 'text/html')[];
  /** Success status documented in OpenAPI (default 200). */
  successStatus?: number;
  handler(ctx: RouteContext<Q, B>): Promise<RouteResult>;
}

/** defineRoute keeps the query and body types inferred from their zod schemas. */
export function defineRoute<Q = Record<string, never>, B = undefined>(spec: RouteSpec<Q, B>): RouteSpec<Q, B> {
  return spec;
}

// Route tables hold routes of many query/body types; the mount layer validates them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any>;
