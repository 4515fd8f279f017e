import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { ConfigError } from '../../../platform/config/config-error';
import { parseConfig, readSecret, setting, type Env } from '../../../platform/config/env';
import type { ClaimPaths } from '../domain/claims';
import { DEFAULT_RETENTION_DAYS } from '../domain/record-classes';

/** The local development issuer's fixed identity; tokens it signs carry these. */
export const LOCAL_ISSUER = 'freshtrack-local';
export const LOCAL_AUDIENCE = 'freshtrack-control-plane';

export interface ControlPlaneConfig {
  /** External identity provider; absent means the local development issuer signs tokens. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  claims: ClaimPaths;
  corsOrigins: string[];
  /** Failed authentications per client IP per minute before 429. */
  authFailureLimit: number;
  bodyLimit: string;
  /** The router (Alertmanager API v2) that acks and deploy alerts go to. */
  alertmanagerUrl?: string;
  /** Bearer token the router must present on POST /v1/alert-notifications, when set. */
  webhookToken?: string;
  retentionDefaultDays: number;
  /** node-cron expression for scheduled retention, or undefined when set to `off`. */
  retentionSchedule?: string;
  /** Mark the /audit session cookie Secure (HTTPS only); defaults to on with an external IdP. */
  secureCookie: boolean;
  /** Whether the control plane relays its own alert_outbox rows (deploy alerts) to the router. */
  outboxRelay: boolean;
}

const schema = z.object({
  CONTROL_PLANE_JWKS_URL: setting.url().optional(),
  CONTROL_PLANE_JWT_ISSUER: z.string().min(1).optional(),
  CONTROL_PLANE_JWT_AUDIENCE: z.string().min(1).optional(),
  CONTROL_PLANE_ORG_CLAIM: z.string().min(1).default('org'),
  CONTROL_PLANE_ROLE_CLAIM: z.string().min(1).default('role'),
  CONTROL_PLANE_NAME_CLAIM: z.string().min(1).default('name'),
  CONTROL_PLANE_CORS_ORIGINS: z.string().optional(),
  CONTROL_PLANE_AUTH_FAILURE_LIMIT: setting.positiveInt().default(30),
  CONTROL_PLANE_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 100kb').default('256kb'),
  ALERTMANAGER_URL: setting.url().optional(),
  CONTROL_PLANE_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CONTROL_PLANE_RETENTION_DAYS: setting.positiveInt().default(DEFAULT_RETENTION_DAYS),
  CONTROL_PLANE_RETENTION_SCHEDULE: z.string().refine((v) => v === 'off' || validateCron(v), 'must be a cron expression or "off"').default('17 3 * * *'),
  CONTROL_PLANE_OUTBOX_RELAY: setting.bool().default('true'),
  CONTROL_PLANE_SECURE_COOKIE: setting.bool().optional(),
});

/**
 * parseControlPlaneConfig validates the control plane's settings once at start-up. With
 * CONTROL_PLANE_JWKS_URL set, issuer and audience are required (a token from the right
 * IdP but meant for another application must not pass).
 */
export function parseControlPlaneConfig(env: Env): ControlPlaneConfig {
  const c = parseConfig(schema, { ...env, CONTROL_PLANE_WEBHOOK_TOKEN: readSecret(env, 'CONTROL_PLANE_WEBHOOK_TOKEN') });
  if (c.CONTROL_PLANE_JWKS_URL) {
    if (!c.CONTROL_PLANE_JWT_ISSUER) throw new ConfigError('CONTROL_PLANE_JWT_ISSUER', 'required when CONTROL_PLANE_JWKS_URL is set');
    if (!c.CONTROL_PLANE_JWT_AUDIENCE) throw new ConfigError('CONTROL_PLANE_JWT_AUDIENCE', 'required when CONTROL_PLANE_JWKS_URL is set');
  }
  const corsOrigins = (c.CONTROL_PLANE_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new ConfigError('CONTROL_PLANE_CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.com`);
  }
  return {
    jwksUrl: c.CONTROL_PLANE_JWKS_URL,
    issuer: c.CONTROL_PLANE_JWT_ISSUER ?? LOCAL_ISSUER,
    audience: c.CONTROL_PLANE_JWT_AUDIENCE ?? LOCAL_AUDIENCE,
    claims: { org: c.CONTROL_PLANE_ORG_CLAIM, role: c.CONTROL_PLANE_ROLE_CLAIM, name: c.CONTROL_PLANE_NAME_CLAIM },
    corsOrigins,
    authFailureLimit: c.CONTROL_PLANE_AUTH_FAILURE_LIMIT,
    bodyLimit: c.CONTROL_PLANE_BODY_LIMIT,
    alertmanagerUrl: c.ALERTMANAGER_URL?.replace(/\/+$/, ''),
    webhookToken: c.CONTROL_PLANE_WEBHOOK_TOKEN,
    retentionDefaultDays: c.CONTROL_PLANE_RETENTION_DAYS,
    retentionSchedule: c.CONTROL_PLANE_RETENTION_SCHEDULE === 'off' ? undefined : c.CONTROL_PLANE_RETENTION_SCHEDULE,
    outboxRelay: c.CONTROL_PLANE_OUTBOX_RELAY,
    secureCookie: c.CONTROL_PLANE_SECURE_COOKIE ?? Boolean(c.CONTROL_PLANE_JWKS_URL),
  };
}
