import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Pool } from '../../../platform/db/pool';
import type { Authenticator } from '../auth/authenticator';
import type { ControlPlaneConfig } from '../config/control-plane-config';
import type { RouterClient } from './router-client';

/** What route handlers may use besides their org-bound stores (built once in the role). */
export interface ControlPlaneServices {
  pool: Pool;
  config: ControlPlaneConfig;
  logger: Logger;
  authenticator: Authenticator;
  router: RouterClient;
  /** Refused requests by status (401/403) and route, for alerting on credential stuffing or a broken IdP. */
  authFailures: Counter<'status' | 'route'>;
  /** The local issuer's JWKS, or undefined when an external identity provider is configured. */
  localJwks?: () => Promise<{ keys: unknown[] }>;
}
