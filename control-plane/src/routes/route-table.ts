import type { AnyRoute } from '../http/route-spec';
import { auditPageRoutes } from './audit-page-routes';
import { auditRoutes } from './audit-routes';
import { deviceKeyRoutes } from './device-key-routes';
import { excursionRoutes } from './excursion-routes';
import { governanceRoutes } from './governance-routes';
import { inventoryRoutes } from './inventory-routes';
import { readingRoutes } from './reading-routes';
import { webhookRoutes } from './webhook-routes';

/**
 * Every route the control plane serves. The OpenAPI document, the mounting and the
 * cross-organization test are all generated from this one list. More specific paths come
 * first where express would otherwise match a parameter (`/verify` before `/:id`).
 */
export const CONTROL_PLANE_ROUTES: AnyRoute[] = [
  ...inventoryRoutes,
  ...deviceKeyRoutes,
  ...readingRoutes,
  ...excursionRoutes,
  ...auditRoutes,
  ...governanceRoutes,
  ...webhookRoutes,
  ...auditPageRoutes,
];
