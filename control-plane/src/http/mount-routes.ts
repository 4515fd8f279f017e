import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../../platform/errors/app-error';
import { hasAnyRole, type Principal } from '../domain/roles';
import type { ControlPlaneServices } from '../services/control-plane-services';
import { createOrgStores } from '../stores/org-stores';
import type { AnyRoute, RouteResult } from './route-spec';
import { parseInput } from './validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PUBLIC_PRINCIPAL: Principal = { subject: 'anonymous', name: 'anonymous', orgId: '', roles: [] };

function send(res: Response, result: RouteResult): void {
  if ('redirect' in result) {
    if (result.setCookie) res.setHeader('Set-Cookie', result.setCookie);
    res.redirect(303, result.redirect);
  } else if ('csv' in result) {
    res.type('text/csv; charset=utf-8').attachment(result.filename).send(result.csv);
  } else if ('html' in result) {
    res.status(result.status ?? 200).type('text/html; charset=utf-8').send(result.html);
  } else {
    res.status(result.status ?? 200).json(result.json);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * mountRoutes serves a route table: authentication, role check, parameter/query/body
 * validation, then the handler with stores bound to the caller's organization. Every route
 * goes through this one path, which is what the isolation and OpenAPI tests rely on.
 */
export function mountRoutes(app: Express, routes: AnyRoute[], services: ControlPlaneServices): void {
  for (const route of routes) {
    const handler = async (req: Request, res: Response, next: NextFunction) => {
      try {
        let principal = PUBLIC_PRINCIPAL;
        if (route.auth === 'user') {
          principal = await services.authenticator.authenticate(req);
          if (route.roles && !hasAnyRole(principal, route.roles)) {
            throw new ForbiddenError(`requires one of the roles: ${route.roles.join(', ')}`);
          }
        } else if (route.auth === 'webhook' && services.config.webhookToken) {
          const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
          if (!m || !sameSecret(m[1], services.config.webhookToken)) throw new UnauthorizedError('webhook token missing or wrong');
        }
        for (const [name, value] of Object.entries(req.params)) {
          if (/Id$/.test(name) && !UUID.test(value)) throw new NotFoundError(name.replace(/Id$/, ''));
        }
        // A body sent as anything but JSON is refused outright rather than read as empty.
        if (route.body && req.get('content-type') && !req.is('application/json')) {
          throw new AppError(415, 'request body must be application/json');
        }
        const result = await route.handler({
          principal,
          stores: createOrgStores(services.pool, principal.orgId),
          params: req.params,
          query: route.query ? parseInput(route.query, req.query, 'query') : {},
          body: route.body ? parseInput(route.body, req.body, 'body') : undefined,
          services,
        });
        send(res, result);
      } catch (err) {
        if (err instanceof UnauthorizedError || err instanceof ForbiddenError) services.authFailures.inc({ status: String(err.statusCode), route: route.path });
        next(err);
      }
    };
    const middleware = route.body ? [express.json({ limit: services.config.bodyLimit }), handler] : [handler];
    app[route.method](route.path, ...middleware);
  }
}
