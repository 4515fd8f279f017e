import { z } from 'zod';
import { ConfigError } from '../../../platform/config/config-error';
import { parseConfig, readSecret, setting, type Env } from '../../../platform/config/env';

/** IngestConfig: every ingest setting, validated once at start-up. */
export interface IngestConfig {
  maxBatch: number;
  maxBodyBytes: number;
  maxFutureSkewSeconds: number;
  retentionDays: number;
  /** Requests per second allowed per device key (per replica: the bucket is in-process). */
  rateLimitPerSecond: number;
  readingsPerSecondPerKey: number;
  /** Batches of at least this many readings are written with COPY (0: never). */
  copyMinRows: number;
  /** Write transactions in flight per process; requests arriving meanwhile share the next. */
  writeConcurrency: number;
  /** How long a valid device key is remembered (revocation is still checked in the write). */
  deviceKeyCacheSeconds: number;
  /** Router base URLs; alerts go to `${url}/api/v2/alerts` on each. */
  alertmanagerUrls: string[];
  resendIntervalSeconds: number;
  outboxPollMs: number;
  outboxMaxBackoffSeconds: number;
  doorOpenSeconds: number;
  batteryLowPct: number;
  offlineMultiple: number;
  offlineSweepCron: string;
  partitionCron: string;
  runbookBaseUrl: string;
  dashboardUrl: string;
}

const schema = z.object({
  INGEST_MAX_BATCH: setting.positiveInt().max(100_000).default(5000),
  INGEST_MAX_BODY_BYTES: setting.positiveInt().default(5 * 1024 * 1024),
  INGEST_MAX_CLOCK_SKEW_SECONDS: setting.positiveInt().default(300),
  READINGS_RETENTION_DAYS: setting.positiveInt().min(30).default(730),
  INGEST_RATE_LIMIT_PER_SECOND: setting.positiveInt().default(100),
  INGEST_RATE_LIMIT_READINGS_PER_SECOND: setting.positiveInt().default(20_000),
  INGEST_WRITE_CONCURRENCY: setting.positiveInt().max(64).default(2),
  INGEST_DEVICE_KEY_CACHE_SECONDS: z.coerce.number({ invalid_type_error: 'must be a number' }).int('must be a whole number').min(0).max(3600).default(30),
  INGEST_COPY_MIN_ROWS: z.coerce.number({ invalid_type_error: 'must be a number' }).int('must be a whole number').min(0).default(100),
  ALERTING_LISTEN_ADDRESS: z.string().optional(),
  FRESHTRACK_HOST: z.string().optional(),
  ALERT_RESEND_INTERVAL_SECONDS: setting.positiveInt().default(60),
  OUTBOX_POLL_INTERVAL_MS: setting.positiveInt().min(10).default(1000),
  OUTBOX_MAX_BACKOFF_SECONDS: setting.positiveInt().default(300),
  DOOR_OPEN_ALERT_SECONDS: setting.positiveInt().default(300),
  BATTERY_LOW_PCT: z.coerce.number({ invalid_type_error: 'must be a number' }).min(1).max(90).default(20),
  SENSOR_OFFLINE_MULTIPLE: setting.positiveInt().default(3),
  SENSOR_OFFLINE_SWEEP_CRON: z.string().default('* * * * *'),
  READINGS_PARTITION_CRON: z.string().default('17 3 * * *'),
  ALERT_RUNBOOK_BASE_URL: setting.url().default('https://github.com/freshtrack/freshtrack-ops/blob/main/docs/runbooks/food-safety.md'),
  ALERT_DASHBOARD_URL: setting.url().default('http://127.0.0.1:3000/d/freshtrack-food-safety/food-safety'),
});

function parseUrls(raw: string): string[] {
  return raw
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      try {
        const url = new URL(u);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
        return u.replace(/\/$/, '');
      } catch {
        throw new ConfigError('ALERTMANAGER_URLS', `"${u}" is not an http(s) URL`);
      }
    });
}

/** redactUrl drops credentials from a router URL: the router's name in metrics, logs and the outbox. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

/**
 * parseIngestConfig reads the ingest settings. Without ALERTMANAGER_URLS, alerts go to the
 * bundled router (the alerting role at ALERTING_LISTEN_ADDRESS, default port 9093).
 * ALERTMANAGER_URLS_FILE may hold the list instead (Docker secrets).
 */
export function parseIngestConfig(env: Env, validateCron: (expr: string) => boolean): IngestConfig {
  const c = parseConfig(schema, env);
  for (const [field, expr] of [
    ['SENSOR_OFFLINE_SWEEP_CRON', c.SENSOR_OFFLINE_SWEEP_CRON],
    ['READINGS_PARTITION_CRON', c.READINGS_PARTITION_CRON],
  ] as const) {
    if (!validateCron(expr)) throw new ConfigError(field, `"${expr}" is not a cron expression`);
  }
  const defaultRouter = `http://${c.ALERTING_LISTEN_ADDRESS ?? `${c.FRESHTRACK_HOST ?? '127.0.0.1'}:9093`}`;
  // Router URLs may carry basic-auth credentials, so they may come from ALERTMANAGER_URLS_FILE.
  const alertmanagerUrls = parseUrls(readSecret(env, 'ALERTMANAGER_URLS') ?? defaultRouter);
  if (alertmanagerUrls.length === 0) throw new ConfigError('ALERTMANAGER_URLS', 'needs at least one URL');
  // A batch bigger than a second's budget could never be accepted.
  if (c.INGEST_RATE_LIMIT_READINGS_PER_SECOND < c.INGEST_MAX_BATCH) {
    throw new ConfigError('INGEST_RATE_LIMIT_READINGS_PER_SECOND', `must be at least INGEST_MAX_BATCH (${c.INGEST_MAX_BATCH})`);
  }
  // Each router has its own outbox rows, named by the URL without credentials.
  const names = alertmanagerUrls.map(redactUrl);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ConfigError('ALERTMANAGER_URLS', `names the router ${twice} twice`);
  return {
    maxBatch: c.INGEST_MAX_BATCH,
    maxBodyBytes: c.INGEST_MAX_BODY_BYTES,
    maxFutureSkewSeconds: c.INGEST_MAX_CLOCK_SKEW_SECONDS,
    retentionDays: c.READINGS_RETENTION_DAYS,
    rateLimitPerSecond: c.INGEST_RATE_LIMIT_PER_SECOND,
    readingsPerSecondPerKey: c.INGEST_RATE_LIMIT_READINGS_PER_SECOND,
    copyMinRows: c.INGEST_COPY_MIN_ROWS,
    writeConcurrency: c.INGEST_WRITE_CONCURRENCY,
    deviceKeyCacheSeconds: c.INGEST_DEVICE_KEY_CACHE_SECONDS,
    alertmanagerUrls,
    resendIntervalSeconds: c.ALERT_RESEND_INTERVAL_SECONDS,
    outboxPollMs: c.OUTBOX_POLL_INTERVAL_MS,
    outboxMaxBackoffSeconds: c.OUTBOX_MAX_BACKOFF_SECONDS,
    doorOpenSeconds: c.DOOR_OPEN_ALERT_SECONDS,
    batteryLowPct: c.BATTERY_LOW_PCT,
    offlineMultiple: c.SENSOR_OFFLINE_MULTIPLE,
    offlineSweepCron: c.SENSOR_OFFLINE_SWEEP_CRON,
    partitionCron: c.READINGS_PARTITION_CRON,
    runbookBaseUrl: c.ALERT_RUNBOOK_BASE_URL,
    dashboardUrl: c.ALERT_DASHBOARD_URL,
  };
}
