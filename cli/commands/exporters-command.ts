import { ConfigError } from '../../platform/config/config-error';
import { parseFlags } from '../../platform/config/flags';
import { parseListenAddress } from '../../platform/config/listen-address';
import { roleListenAddress } from '../../platform/lifecycle/role-options';
import { startExporters, EXPORTERS_DEFAULT_PORT } from '../../exporters/src/exporters-role';
import { runRoles } from '../role-runner';
import type { Command } from '../command';

/**
 * exportersCommand runs the exporters role alone. Its flags keep the reference exporters'
 * spellings (pgbouncer_exporter's --pgBouncer.connectionString, blackbox_exporter's module
 * file as --tls.config.file), so an SRE can swap it in without rewriting deployment files.
 */
export const exportersCommand: Command = {
  name: 'exporters',
  summary: 'Serve the PgBouncer, backup and certificate exporters',
  help: `Usage: freshtrack exporters [--web.listen-address=HOST:PORT] [--config.file=PATH]
                            [--pgBouncer.connectionString=postgres://USER@HOST:PORT/pgbouncer]
                            [--tls.config.file=blackbox.yml]

Serves /metrics (PgBouncer admin console, backup and restore-test history, configured
certificate targets and files; read on every scrape) and /probe?target=HOST:PORT&module=NAME
(blackbox_exporter's TLS probe). Also runs the scheduled backups and restore tests when the
config file gives cron expressions. Collectors without configuration stay off.

Flags:
  --web.listen-address=HOST:PORT          where to listen (env EXPORTERS_LISTEN_ADDRESS, default 127.0.0.1:${EXPORTERS_DEFAULT_PORT})
  --config.file=PATH                      exporters config (env EXPORTERS_CONFIG_FILE): pgbouncer, tls targets/files, backup schedules
  --pgBouncer.connectionString=URL        PgBouncer admin console (env PGBOUNCER_EXPORTER_CONNECTION_STRING[_FILE])
  --tls.config.file=PATH                  blackbox_exporter module file for /probe (env TLS_CONFIG_FILE; default modules:
                                          tls, tls_insecure, smtp_starttls, postgres_starttls)
  --web.telemetry-path=/metrics           accepted for pgbouncer_exporter compatibility (only /metrics)
  --log.level=debug|info|warn|error       as the reference exporters spell it (same as LOG_LEVEL)

Environment:
  BACKUP_DATABASE_URL, BACKUP_DATABASE_URL_FILE   database the scheduled backups dump (direct, not PgBouncer)
  DATABASE_URL, DATABASE_URL_FILE  PostgreSQL holding backup_runs and certificate_observations; unset = embedded
  LOG_LEVEL                        trace|debug|info|warn|error (default info)`,
  async run(argv, env) {
    const { values } = parseFlags(argv, {
      'web.listen-address': { type: 'string' },
      'config.file': { type: 'string' },
      'pgBouncer.connectionString': { type: 'string' },
      'tls.config.file': { type: 'string' },
      'web.telemetry-path': { type: 'string' },
      'log.level': { type: 'string' },
    });
    const telemetryPath = values['web.telemetry-path'] as string | undefined;
    if (telemetryPath !== undefined && telemetryPath !== '/metrics') {
      throw new ConfigError('--web.telemetry-path', `only /metrics is served, got "${telemetryPath}"`);
    }
    const logLevel = values['log.level'] as string | undefined;
    if (logLevel !== undefined) {
      if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError('--log.level', `must be debug, info, warn or error, got "${logLevel}"`);
      // The root logger reads LOG_LEVEL when runRoles creates it.
      process.env.LOG_LEVEL = logLevel;
    }
    const listen = values['web.listen-address'] as string | undefined;
    if (listen) parseListenAddress('--web.listen-address', listen);
    const roleEnv = listen ? { ...env, EXPORTERS_LISTEN_ADDRESS: listen } : env;
    const flags = {
      'config.file': values['config.file'] as string | undefined,
      'pgBouncer.connectionString': values['pgBouncer.connectionString'] as string | undefined,
      'tls.config.file': values['tls.config.file'] as string | undefined,
    };
    await runRoles({
      env: roleEnv,
      service: 'exporters',
      roles: { exporters: (ctx) => startExporters(ctx, roleListenAddress(roleEnv, 'EXPORTERS_LISTEN_ADDRESS', EXPORTERS_DEFAULT_PORT), flags) },
    });
  },
};
