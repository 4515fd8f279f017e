import { readFileSync } from 'node:fs';
import { validate as validCron } from 'node-cron';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../platform/config/config-error';
import { parseConfig, readSecret, type Env } from '../../platform/config/env';
import type { BackupScheduleConfig } from './backup/backup-scheduler';
import { loadBlackboxModules, parseDuration, type ProbeModule } from './tls/blackbox-config';
import type { TlsTarget } from './tls/tls-targets-collector';

/** Flags spelled as the reference exporters spell them, so an SRE can swap ours in. */
export interface ExportersFlags {
  'config.file'?: string;
  'pgBouncer.connectionString'?: string;
  'tls.config.file'?: string;
}

export interface ExportersConfig {
  /** Absent: no PgBouncer configured, the collector is not enabled. */
  pgbouncer?: { connectionString: string };
  tls: { modules: Record<string, ProbeModule>; targets: TlsTarget[]; files: string[] };
  backup: { collect: boolean; schedule?: BackupScheduleConfig };
  scrapeTimeoutMs: number;
}

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');
const cron = z.string().refine((v) => validCron(v), 'must be a cron expression (node-cron syntax)');

const fileSchema = z
  .object({
    pgbouncer: z.object({ connection_string: postgresUrl.optional() }).strict().optional(),
    tls: z
      .object({
        config_file: z.string().optional(),
        targets: z.array(z.object({ target: z.string().regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port'), module: z.string().default('tls') }).strict()).default([]),
        files: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    backup: z
      .object({
        collect: z.boolean().default(true),
        database_url: postgresUrl.optional(),
        record_url: postgresUrl.optional(),
        restore_admin_url: postgresUrl.optional(),
        directory: z.string().optional(),
        schedule: cron.optional(),
        restore_test_schedule: cron.optional(),
        keep: z
          .object({ daily: z.number().int().min(1).default(7), weekly: z.number().int().min(0).default(4), monthly: z.number().int().min(0).default(6) })
          .strict()
          .default({}),
      })
      .strict()
      .optional(),
    scrape_timeout: z.string().optional(),
  })
  .strict();

function readConfigFile(path: string | undefined): z.infer<typeof fileSchema> {
  if (!path) return {};
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new ConfigError('--config.file', `cannot load ${path}: ${(err as Error).message}`);
  }
  return parseConfig(fileSchema, raw as Record<string, unknown>);
}

/**
 * loadExportersConfig merges, once at start-up, the flags, the environment and the config
 * file (in that order of precedence) and checks every cross-reference (modules of targets,
 * what a backup schedule needs), so a bad setting stops the process with its name.
 */
export function loadExportersConfig(flags: ExportersFlags, env: Env): ExportersConfig {
  const file = readConfigFile(flags['config.file'] ?? env.EXPORTERS_CONFIG_FILE);
  const pgbouncerUrl = flags['pgBouncer.connectionString'] ?? readSecret(env, 'PGBOUNCER_EXPORTER_CONNECTION_STRING') ?? file.pgbouncer?.connection_string;
  if (pgbouncerUrl !== undefined) parseConfig(z.object({ '--pgBouncer.connectionString': postgresUrl }), { '--pgBouncer.connectionString': pgbouncerUrl });

  const modules = loadBlackboxModules(flags['tls.config.file'] ?? env.TLS_CONFIG_FILE ?? file.tls?.config_file);
  const targets = file.tls?.targets ?? [];
  targets.forEach((t, i) => {
    if (!modules[t.module]) throw new ConfigError(`tls.targets.${i}.module`, `unknown module "${t.module}" (known: ${Object.keys(modules).join(', ')})`);
    if (modules[t.module].prober !== 'tcp') throw new ConfigError(`tls.targets.${i}.module`, `module "${t.module}" uses prober ${modules[t.module].prober}; only tcp is supported`);
  });

  const b = file.backup;
  const databaseUrl = readSecret(env, 'BACKUP_DATABASE_URL') ?? b?.database_url;
  let schedule: BackupScheduleConfig | undefined;
  if (b?.schedule || b?.restore_test_schedule) {
    if (!databaseUrl) throw new ConfigError('backup.database_url', 'required when a backup schedule is set (direct PostgreSQL, not PgBouncer)');
    if (!b.directory) throw new ConfigError('backup.directory', 'required when a backup schedule is set');
    schedule = {
      databaseUrl,
      recordUrl: b.record_url,
      restoreAdminUrl: b.restore_admin_url,
      directory: b.directory,
      keep: b.keep,
      backupSchedule: b.schedule,
      restoreTestSchedule: b.restore_test_schedule,
    };
  }
  return {
    pgbouncer: pgbouncerUrl ? { connectionString: pgbouncerUrl } : undefined,
    tls: { modules, targets, files: file.tls?.files ?? [] },
    backup: { collect: b?.collect ?? true, schedule },
    scrapeTimeoutMs: file.scrape_timeout ? parseDuration('scrape_timeout', file.scrape_timeout) : 10_000,
  };
}
