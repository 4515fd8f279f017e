import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { generateDeviceKey } from '../../platform/contracts/device-key';
import type { Pool } from '../../platform/db/pool';
import { ShutdownManager } from '../../platform/lifecycle/shutdown';
import { createMetricsRegistry } from '../../platform/metrics/registry';
import { startIngest } from '../src/ingest-role';

export interface OrgFixture {
  orgId: string;
  slug: string;
  key: string;
  keyId: string;
  unitId: string;
  /** external ids of the sensors, all in the one fridge unit */
  sensors: string[];
}

/** createOrg inserts an organization with one site, one fridge, sensors and a device key. */
export async function createOrg(
  pool: Pool,
  opts: { sensors?: number; thresholds?: Record<string, unknown>; unitType?: string } = {},
): Promise<OrgFixture> {
  const slug = `org-${randomBytes(4).toString('hex')}`;
  const org = await pool.query<{ id: string }>(`INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id`, [slug]);
  const orgId = org.rows[0].id;
  const site = await pool.query<{ id: string }>(`INSERT INTO sites (org_id, name) VALUES ($1, 'Main St') RETURNING id`, [orgId]);
  const unit = await pool.query<{ id: string }>(
    `INSERT INTO units (org_id, site_id, name, unit_type) VALUES ($1, $2, 'Walk-in', $3) RETURNING id`,
    [orgId, site.rows[0].id, opts.unitType ?? 'fridge'],
  );
  const unitId = unit.rows[0].id;
  if (opts.thresholds) {
    const t = { min_warning_c: null, min_critical_c: null, max_warning_c: 5, max_critical_c: 10, delay_seconds: 0, hysteresis_c: 0.5, suppression_windows: [], ...opts.thresholds };
    await pool.query(
      `INSERT INTO thresholds (unit_id, org_id, min_warning_c, min_critical_c, max_warning_c, max_critical_c, delay_seconds, hysteresis_c, suppression_windows)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [unitId, orgId, t.min_warning_c, t.min_critical_c, t.max_warning_c, t.max_critical_c, t.delay_seconds, t.hysteresis_c, JSON.stringify(t.suppression_windows)],
    );
  }
  const sensors: string[] = [];
  for (let i = 0; i < (opts.sensors ?? 1); i++) {
    const ext = `${slug}-s${i}`;
    await pool.query(`INSERT INTO sensors (org_id, unit_id, external_id) VALUES ($1, $2, $3)`, [orgId, unitId, ext]);
    sensors.push(ext);
  }
  const key = generateDeviceKey();
  const k = await pool.query<{ id: string }>(
    `INSERT INTO device_keys (org_id, name, prefix, key_hash) VALUES ($1, 'gateway', $2, $3) RETURNING id`,
    [orgId, key.prefix, key.keyHash],
  );
  return { orgId, slug, key: key.key, keyId: k.rows[0].id, unitId, sensors };
}

export interface InProcessIngest {
  url: string;
  stop(): Promise<void>;
}

/** startTestIngest runs the ingest role in this process on the test database's pool. */
export async function startTestIngest(pool: Pool, env: Record<string, string> = {}, logLines?: string[]): Promise<InProcessIngest> {
  const logger = logLines
    ? pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) })
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const shutdown = new ShutdownManager(logger);
  const role = await startIngest(
    { pool, embeddedDatabase: false, logger, registry: createMetricsRegistry(), shutdown, env: { ALERTMANAGER_URLS: 'http://127.0.0.1:1', OUTBOX_POLL_INTERVAL_MS: '100', ...env } },
    { host: '127.0.0.1', port: 0 },
  );
  return { url: role.url, stop: () => shutdown.shutdown() };
}

/** post sends JSON to ingest with a device key. */
export async function postReadings(url: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: json };
}

export const iso = (ms: number) => new Date(ms).toISOString();
