import { createMetricsRegistry } from '../platform/metrics/registry';
import { createLogger, createRootLogger, setRootLogger } from '../platform/logging/logger';
import { parseDatabaseConfig } from '../platform/db/database-config';
import { openDatabase } from '../platform/db/open-database';
import { ShutdownManager } from '../platform/lifecycle/shutdown';
import { stopTracing } from '../platform/tracing/tracing';
import type { RoleContext, RunningRole } from '../platform/lifecycle/role';
import type { Pool } from '../platform/db/pool';

export type RoleStarter = (ctx: RoleContext) => Promise<RunningRole>;

export interface RunRolesOptions {
  env: NodeJS.ProcessEnv;
  service: string;
  roles: Record<string, RoleStarter>;
  /** Runs after migrations and before the roles start (e.g. seeding the demo). */
  beforeStart?: (pool: Pool, embedded: boolean) => Promise<string[]>;
  /** Runs after every role is up (e.g. the sensor simulator). */
  afterStart?: (roles: RunningRole[], shutdown: ShutdownManager, pool: Pool) => Promise<string[]>;
}

/**
 * runRoles is the process skeleton shared by every long-running subcommand: validate
 * config, open (or embed) the database and migrate, start the roles, print where they
 * listen, and shut down in order on SIGTERM.
 */
export async function runRoles(opts: RunRolesOptions): Promise<void> {
  setRootLogger(createRootLogger({ service: opts.service }));
  const logger = createLogger('cli');
  const dbConfig = parseDatabaseConfig(opts.env);
  const shutdown = new ShutdownManager(logger);
  shutdown.register('tracing', stopTracing);
  shutdown.installSignalHandlers();
  const db = await openDatabase(dbConfig, logger, { applicationName: `freshtrack-${opts.service}` });
  shutdown.register('database', db.close);
  const banner: string[] = [];
  if (opts.beforeStart) banner.push(...(await opts.beforeStart(db.pool, db.embedded)));
  const started: RunningRole[] = [];
  for (const [name, start] of Object.entries(opts.roles)) {
    const ctx: RoleContext = {
      pool: db.pool,
      embeddedDatabase: db.embedded,
      logger: createLogger(name),
      registry: createMetricsRegistry({ service: name }),
      shutdown,
      env: opts.env,
    };
    started.push(await start(ctx));
  }
  if (opts.afterStart) banner.push(...(await opts.afterStart(started, shutdown, db.pool)));
  printBanner(started, banner, db.embedded);
}

function printBanner(roles: RunningRole[], extra: string[], embedded: boolean): void {
  const lines = [
    '',
    `FreshTrack Pro is running${embedded ? ' on the embedded PostgreSQL' : ''}:`,
    ...roles.flatMap((r) => [
      `  ${r.name.padEnd(14)} ${r.url}   (${r.url}/healthz  ${r.url}/readyz  ${r.url}/metrics)`,
      ...(r.notes ?? []).map((n) => `  ${''.padEnd(14)} ${n}`),
    ]),
    ...extra.map((l) => `  ${l}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
