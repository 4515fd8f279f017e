import type { Logger } from 'pino';
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
  /** The local issuer's JWKS, or undefined when an external identity provider is configured. */
  localJwks?: () => Promise<{ keys: unknown[] }>;
}
