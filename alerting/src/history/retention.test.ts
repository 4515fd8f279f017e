import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/postgres';
import { ConfigError } from '../../../platform/config/config-error';
import { systemClock } from '../types/clock';
import { parseRetentionConfig } from './retention-config';
import { RetentionJob } from './retention-job';

describe('router retention', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('validates its settings naming the variable', () => {
    expect(parseRetentionConfig({})).toEqual({ historyMs: 365 * 2 * 86400_000, stateMs: 120 * 3600_000, intervalMs: 3600_000 });
    expect(parseRetentionConfig({ ROUTER_HISTORY_RETENTION: '90d' }).historyMs).toBe(90 * 86400_000);
    expect(() => parseRetentionConfig({ ROUTER_HISTORY_RETENTION: 'two years' })).toThrow(ConfigError);
    expect(() => parseRetentionConfig({ ROUTER_STATE_RETENTION: '0' })).toThrow('ROUTER_STATE_RETENTION: must be greater than zero');
  });

  it('prunes only what is past retention', async () => {
    await db.pool.query(`
      INSERT INTO router_notification_log (receiver, integration, group_key, outcome, sent_at) VALUES
        ('r', 'webhook[0]', 'old', 'success', now() - interval '100 days'), ('r', 'webhook[0]', 'new', 'success', now() - interval '1 day');
      INSERT INTO router_notify_state (receiver, integration, group_key, updated_at) VALUES
        ('r', 'webhook[0]', 'stale', now() - interval '10 days'), ('r', 'webhook[0]', 'fresh', now());
      INSERT INTO router_notify_state (receiver, integration, group_key, updated_at, claim_token, claim_owner, claim_expires_at) VALUES
        ('r', 'webhook[0]', 'stale-but-claimed', now() - interval '10 days', gen_random_uuid(), 'x', now() + interval '1 minute');
      INSERT INTO router_alerts (fingerprint, labels, starts_at, ends_at, updated_at) VALUES
        ('gone', '{}', now() - interval '20 days', now() - interval '10 days', now()), ('kept', '{}', now(), now() + interval '5 minutes', now());
      INSERT INTO router_escalations (group_key, chain, after_ms, started_at, closed_at) VALUES
        ('closed-long-ago', '{a}', 1000, now() - interval '20 days', now() - interval '10 days'), ('open', '{a}', 1000, now(), NULL);
    `);
    const job = new RetentionJob(db.pool, parseRetentionConfig({ ROUTER_HISTORY_RETENTION: '90d', ROUTER_STATE_RETENTION: '5d' }), systemClock, pino({ level: 'silent' }));
    expect(await job.prune()).toEqual({ attempts: 1, dedupEntries: 1, alerts: 1, escalations: 1 });
    const left = await db.pool.query(`SELECT (SELECT array_agg(group_key ORDER BY group_key) FROM router_notify_state) AS state,
      (SELECT array_agg(group_key) FROM router_notification_log) AS log, (SELECT array_agg(fingerprint) FROM router_alerts) AS alerts`);
    expect(left.rows[0]).toEqual({ state: ['fresh', 'stale-but-claimed'], log: ['new'], alerts: ['kept'] });
  });
});
