import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { readSecret } from './env';
import { parseFlags } from './flags';
import { parseListenAddress } from './listen-address';
import { parseDatabaseConfig } from '../db/database-config';
import { roleListenAddress } from '../lifecycle/role-options';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration validation names the bad field', () => {
  test('a non-postgres DATABASE_URL', () => {
    const err = configError(() => parseDatabaseConfig({ DATABASE_URL: 'mysql://x' }));
    expect(err.field).toBe('DATABASE_URL');
    expect(err.message).toBe('invalid configuration: DATABASE_URL: must be a postgres:// connection URL');
  });

  test('a pool size that is not a positive number', () => {
    expect(configError(() => parseDatabaseConfig({ DATABASE_POOL_MAX: 'ten' })).field).toBe('DATABASE_POOL_MAX');
    expect(configError(() => parseDatabaseConfig({ DATABASE_POOL_MAX: '0' })).field).toBe('DATABASE_POOL_MAX');
  });

  test('defaults when nothing is set: embedded database under .data', () => {
    expect(parseDatabaseConfig({})).toEqual({ url: undefined, poolMax: 10, dataDir: '.data', embeddedPort: 0 });
  });

  test('listen addresses', () => {
    expect(parseListenAddress('--web.listen-address', '127.0.0.1:9093')).toEqual({ host: '127.0.0.1', port: 9093 });
    expect(parseListenAddress('--web.listen-address', ':9093')).toEqual({ host: '0.0.0.0', port: 9093 });
    expect(parseListenAddress('x', '[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(configError(() => parseListenAddress('--web.listen-address', 'localhost')).message).toContain('--web.listen-address');
    expect(configError(() => parseListenAddress('INGEST_LISTEN_ADDRESS', 'h:99999')).field).toBe('INGEST_LISTEN_ADDRESS');
    expect(roleListenAddress({ FRESHTRACK_HOST: '0.0.0.0' }, 'INGEST_LISTEN_ADDRESS', 8081)).toEqual({ host: '0.0.0.0', port: 8081 });
  });

  test('unknown and malformed flags', () => {
    const spec = { 'config.file': { type: 'string' as const } };
    expect(parseFlags(['--config.file=/a.yml'], spec).values['config.file']).toBe('/a.yml');
    expect(configError(() => parseFlags(['--config.fil=/a.yml'], spec)).field).toBe('--config.fil');
  });
});

describe('secrets from env or *_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ft-secret-'));

  test('reads NAME_FILE and trims the trailing newline', () => {
    const file = join(dir, 'db-url');
    writeFileSync(file, 'postgres://u:p@db/x\n');
    expect(readSecret({ DATABASE_URL_FILE: file }, 'DATABASE_URL')).toBe('postgres://u:p@db/x');
    expect(parseDatabaseConfig({ DATABASE_URL_FILE: file }).url).toBe('postgres://u:p@db/x');
  });

  test('both set is ambiguous; an unreadable file names the _FILE variable', () => {
    expect(configError(() => readSecret({ X: 'a', X_FILE: '/nope' }, 'X')).field).toBe('X');
    const err = configError(() => readSecret({ X_FILE: join(dir, 'missing') }, 'X'));
    expect(err.field).toBe('X_FILE');
    expect(err.message).toContain('ENOENT');
  });
});
