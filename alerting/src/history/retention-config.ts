import { ConfigError } from '../../../platform/config/config-error';
import type { Env } from '../../../platform/config/env';
import { ConfigFileError } from '../config/config-file-error';
import { parseDuration } from '../config/duration';

export interface RetentionConfig {
  /** How long delivery attempts stay in the history (ROUTER_HISTORY_RETENTION, default 2y). */
  historyMs: number;
  /**
   * How long dedup entries, resolved alerts and escalations are kept (ROUTER_STATE_RETENTION,
   * default 120h as Alertmanager's --data.retention): a group silent for longer starts afresh.
   */
  stateMs: number;
  /** How often the pruning runs (ROUTER_RETENTION_INTERVAL, default 1h). */
  intervalMs: number;
}

/** 21 CFR 117.315 asks for food-safety records to be kept at least 2 years (domain.md §1). */
export const DEFAULT_HISTORY_RETENTION = '2y';

function duration(env: Env, name: string, fallback: string): number {
  const text = env[name] ?? fallback;
  try {
    const ms = parseDuration(text, name);
    if (ms <= 0) throw new ConfigError(name, 'must be greater than zero');
    return ms;
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigError(name, `not a duration such as 730d or 120h: "${text}"`);
    throw err;
  }
}

/** parseRetentionConfig reads the router's retention settings once at start-up. */
export function parseRetentionConfig(env: Env): RetentionConfig {
  return {
    historyMs: duration(env, 'ROUTER_HISTORY_RETENTION', DEFAULT_HISTORY_RETENTION),
    stateMs: duration(env, 'ROUTER_STATE_RETENTION', '120h'),
    intervalMs: duration(env, 'ROUTER_RETENTION_INTERVAL', '1h'),
  };
}
