import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'node-cron';
import { ConfigError } from '../../../platform/config/config-error';
import { parseIngestConfig, redactUrl } from './ingest-config';

describe('parseIngestConfig', () => {
  it('defaults to the bundled router and the documented limits', () => {
    const c = parseIngestConfig({ ALERTING_LISTEN_ADDRESS: '127.0.0.1:9999' }, validate);
    expect(c.alertmanagerUrls).toEqual(['http://127.0.0.1:9999']);
    expect(c).toMatchObject({ maxBatch: 5000, retentionDays: 730, maxFutureSkewSeconds: 300, resendIntervalSeconds: 60 });
    expect(c).toMatchObject({ writeConcurrency: 2, copyMinRows: 100, deviceKeyCacheSeconds: 30 });
  });

  it('accepts several routers, comma-separated', () => {
    expect(parseIngestConfig({ ALERTMANAGER_URLS: 'http://a:9093/, https://b:9093' }, validate).alertmanagerUrls).toEqual([
      'http://a:9093',
      'https://b:9093',
    ]);
  });

  it.each([
    [{ ALERTMANAGER_URLS: 'ftp://x' }, 'ALERTMANAGER_URLS'],
    [{ ALERTMANAGER_URLS: ' , ' }, 'ALERTMANAGER_URLS'],
    [{ INGEST_MAX_BATCH: 'lots' }, 'INGEST_MAX_BATCH'],
    [{ READINGS_RETENTION_DAYS: '7' }, 'READINGS_RETENTION_DAYS'],
    [{ SENSOR_OFFLINE_SWEEP_CRON: 'every minute' }, 'SENSOR_OFFLINE_SWEEP_CRON'],
    [{ ALERT_DASHBOARD_URL: 'grafana' }, 'ALERT_DASHBOARD_URL'],
    [{ INGEST_WRITE_CONCURRENCY: '0' }, 'INGEST_WRITE_CONCURRENCY'],
    [{ INGEST_COPY_MIN_ROWS: '-1' }, 'INGEST_COPY_MIN_ROWS'],
    [{ INGEST_DEVICE_KEY_CACHE_SECONDS: '1.5' }, 'INGEST_DEVICE_KEY_CACHE_SECONDS'],
    [{ INGEST_RATE_LIMIT_READINGS_PER_SECOND: '100' }, 'INGEST_RATE_LIMIT_READINGS_PER_SECOND'], // below the batch limit
  ])('rejects %j naming %s', (env, field) => {
    expect(() => parseIngestConfig(env, validate)).toThrow(ConfigError);
    expect(() => parseIngestConfig(env, validate)).toThrow(new RegExp(`: ${field}:`));
  });
});

describe('redactUrl', () => {
  it('keeps router credentials out of labels and logs', () => {
    expect(redactUrl('https://user:s3cret@router.example:9093/')).toBe('https://router.example:9093');
    expect(redactUrl('http://127.0.0.1:9093')).toBe('http://127.0.0.1:9093');
  });

  it('rejects two URLs of the same router (each router has its own outbox rows, named without credentials)', () => {
    expect(() => parseIngestConfig({ ALERTMANAGER_URLS: 'http://a:p@router:9093,http://b:q@router:9093/' }, validate)).toThrow(
      /ALERTMANAGER_URLS: names the router http:\/\/router:9093 twice/,
    );
  });
});

describe('ALERTMANAGER_URLS_FILE', () => {
  it('reads the router list from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftk-cfg-'));
    writeFileSync(join(dir, 'urls'), 'https://u:p@router-a:9093,https://u:p@router-b:9093\n');
    expect(parseIngestConfig({ ALERTMANAGER_URLS_FILE: join(dir, 'urls') }, validate).alertmanagerUrls).toHaveLength(2);
    expect(() => parseIngestConfig({ ALERTMANAGER_URLS_FILE: join(dir, 'missing') }, validate)).toThrow(/ALERTMANAGER_URLS_FILE/);
    rmSync(dir, { recursive: true });
  });
});
