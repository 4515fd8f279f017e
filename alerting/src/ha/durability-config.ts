import { parseRetentionConfig, type RetentionConfig } from '../history/retention-config';
import { ConfigError } from '../../../platform/config/config-error';
import type { Env } from '../../../platform/config/env';
import { ConfigFileError } from '../config/config-file-error';
import { parseDuration } from '../config/duration';

export interface DurabilityConfig {
  retention: RetentionConfig;
  /** How often silences written through other replicas are picked up (ROUTER_SILENCE_SYNC_INTERVAL, default 2s). */
  silenceSyncMs: number;
  /** How often due escalation steps are looked for (ROUTER_ESCALATION_TICK, default 5s). */
  escalationTickMs: number;
  /**
   * Lease of a send claim (ROUTER_SEND_CLAIM_LEASE, default 5s, at least 1s, capped per flush by
   * the route's group_interval). The claimant renews it while it sends, so it only bounds how
   * long a replica that died mid-send blocks the others (ADR 0035).
   */
  claimLeaseMs: number;
  /** This replica's name in claims and the history (ROUTER_REPLICA_NAME, default host:pid:random). */
  replicaName?: string;
  /**
   * Announce silences through the routing tree (ROUTER_SILENCE_NOTICES=true): SilenceCreated at
   * creation, SilenceExpiring ROUTER_SILENCE_EXPIRY_NOTICE (default 15m) before the end. Off by
   * default so an unchanged alertmanager.yml delivers exactly what Alertmanager would.
   */
  silenceNotices?: { warnMs: number };
  /**
   * Dead man's switch (ROUTER_WATCHDOG_TIMEOUT, off by default): raise WatchdogMissing when no
   * ROUTER_WATCHDOG_ALERTNAME (default Watchdog) alert arrived for that long.
   */
  watchdog?: { alertname: string; timeoutMs: number };
}

function interval(env: Env, name: string, fallback: string): number {
  const text = env[name] ?? fallback;
  try {
    const ms = parseDuration(text, name);
    if (ms <= 0) throw new ConfigError(name, 'must be greater than zero');
    return ms;
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigError(name, `not a duration such as 2s or 500ms: "${text}"`);
    throw err;
  }
}

/** DEFAULT_CLAIM_LEASE_MS is ROUTER_SEND_CLAIM_LEASE's default: several renewals fit in it, and it is far below usual group intervals. */
export const DEFAULT_CLAIM_LEASE_MS = 5000;

/** MIN_CLAIM_LEASE_MS leaves a renewal (every quarter lease) room for a slow database round trip. */
const MIN_CLAIM_LEASE_MS = 1000;

/** parseDurabilityConfig reads the router's PostgreSQL-state settings once at start-up. */
export function parseDurabilityConfig(env: Env): DurabilityConfig {
  const replicaName = env.ROUTER_REPLICA_NAME;
  if (replicaName !== undefined && !/^[\w.:@-]{1,100}$/.test(replicaName))
    throw new ConfigError('ROUTER_REPLICA_NAME', 'use 1-100 letters, digits or . : @ - _');
  const notices = env.ROUTER_SILENCE_NOTICES ?? 'false';
  if (!['true', 'false'].includes(notices)) throw new ConfigError('ROUTER_SILENCE_NOTICES', 'must be true or false');
  const watchdogName = env.ROUTER_WATCHDOG_ALERTNAME ?? 'Watchdog';
  if (!/^\S+$/.test(watchdogName)) throw new ConfigError('ROUTER_WATCHDOG_ALERTNAME', 'must be an alert name');
  const claimLeaseMs = interval(env, 'ROUTER_SEND_CLAIM_LEASE', `${DEFAULT_CLAIM_LEASE_MS}ms`);
  if (claimLeaseMs < MIN_CLAIM_LEASE_MS) throw new ConfigError('ROUTER_SEND_CLAIM_LEASE', 'must be at least 1s');
  return {
    retention: parseRetentionConfig(env),
    silenceSyncMs: interval(env, 'ROUTER_SILENCE_SYNC_INTERVAL', '2s'),
    escalationTickMs: interval(env, 'ROUTER_ESCALATION_TICK', '5s'),
    claimLeaseMs,
    replicaName,
    silenceNotices: notices === 'true' ? { warnMs: interval(env, 'ROUTER_SILENCE_EXPIRY_NOTICE', '15m') } : undefined,
    watchdog: env.ROUTER_WATCHDOG_TIMEOUT ? { alertname: watchdogName, timeoutMs: interval(env, 'ROUTER_WATCHDOG_TIMEOUT', '5m') } : undefined,
  };
}
