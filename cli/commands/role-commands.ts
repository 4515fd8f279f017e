import { roleListenAddress } from '../../platform/lifecycle/role-options';
import { startIngest, INGEST_DEFAULT_PORT } from '../../ingest/src/ingest-role';
import { disableAllocationSitePretenuring } from '../../ingest/src/heap-tuning';
import { startControlPlane, CONTROL_PLANE_DEFAULT_PORT } from '../../control-plane/src/control-plane-role';
import { startExporters, EXPORTERS_DEFAULT_PORT } from '../../exporters/src/exporters-role';
import { startAlerting, ALERTING_DEFAULT_PORT } from '../../alerting/src/alerting-role';
import { parseFlags } from '../../platform/config/flags';
import { parseListenAddress } from '../../platform/config/listen-address';
import { runRoles, type RoleStarter } from '../role-runner';
import { demoHooks } from '../demo/demo-hooks';
import type { Command } from '../command';

const DATABASE_ENV_HELP = `Environment:
  DATABASE_URL, DATABASE_URL_FILE  PostgreSQL (direct or through PgBouncer); unset = embedded
  DATABASE_POOL_MAX                pool size per process (default 10)
  FRESHTRACK_DATA_DIR              embedded database directory (default .data)
  LOG_LEVEL                        trace|debug|info|warn|error (default info)
  OTEL_EXPORTER_OTLP_ENDPOINT      export traces over OTLP when set`;

/** roleStarters maps each role to its starter, reading its listen address from env. */
export function roleStarters(env: NodeJS.ProcessEnv): Record<string, RoleStarter> {
  return {
    ingest: (ctx) => startIngest(ctx, roleListenAddress(env, 'INGEST_LISTEN_ADDRESS', INGEST_DEFAULT_PORT)),
    'control-plane': (ctx) =>
      startControlPlane(ctx, roleListenAddress(env, 'CONTROL_PLANE_LISTEN_ADDRESS', CONTROL_PLANE_DEFAULT_PORT)),
    alerting: (ctx) => startAlerting(ctx, roleListenAddress(env, 'ALERTING_LISTEN_ADDRESS', ALERTING_DEFAULT_PORT)),
    exporters: (ctx) => startExporters(ctx, roleListenAddress(env, 'EXPORTERS_LISTEN_ADDRESS', EXPORTERS_DEFAULT_PORT)),
  };
}

/** `prepare` runs before the role starts, for process-wide tuning of that role alone. */
function singleRoleCommand(name: string, summary: string, envVar: string, defaultPort: number, prepare?: () => void): Command {
  return {
    name,
    summary,
    help: `Usage: freshtrack ${name} [--web.listen-address=HOST:PORT]

${summary}. Runs this role alone, for deployments that scale each role on its own.

Flags:
  --web.listen-address=HOST:PORT   where to listen (env ${envVar}, default 127.0.0.1:${defaultPort})

${DATABASE_ENV_HELP}`,
    async run(argv, env) {
      prepare?.();
      const { values } = parseFlags(argv, { 'web.listen-address': { type: 'string' } });
      const listen = values['web.listen-address'] as string | undefined;
      if (listen) parseListenAddress('--web.listen-address', listen);
      const roleEnv = listen ? { ...env, [envVar]: listen } : env;
      await runRoles({ env: roleEnv, service: name, roles: { [name]: roleStarters(roleEnv)[name] } });
    },
  };
}

export const ingestCommand = singleRoleCommand(
  'ingest',
  'Serve the sensor-reading API',
  'INGEST_LISTEN_ADDRESS',
  INGEST_DEFAULT_PORT,
  disableAllocationSitePretenuring,
);
export const controlPlaneCommand = singleRoleCommand(
  'control-plane',
  'Serve the authenticated control-plane API',
  'CONTROL_PLANE_LISTEN_ADDRESS',
  CONTROL_PLANE_DEFAULT_PORT,
);
// The exporters take the reference exporters' flags, so their command has its own file.
export { exportersCommand } from './exporters-command';
// The alerting role takes Alertmanager's flags (--config.file, --web.external-url…).
export { alertingCommand } from './alerting-command';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run every role in one process (the embedded default)',
  help: `Usage: freshtrack start [--simulate]

Runs ingest, control-plane, alerting and exporters in one process. Without DATABASE_URL it
runs PostgreSQL embedded (PGlite) under FRESHTRACK_DATA_DIR.

Flags:
  --simulate    run a few simulated sensors (one drifting into an excursion)

Environment:
  FRESHTRACK_HOST                  interface for every role (default 127.0.0.1)
  INGEST_LISTEN_ADDRESS            default 127.0.0.1:${INGEST_DEFAULT_PORT}
  CONTROL_PLANE_LISTEN_ADDRESS     default 127.0.0.1:${CONTROL_PLANE_DEFAULT_PORT}
  ALERTING_LISTEN_ADDRESS          default 127.0.0.1:${ALERTING_DEFAULT_PORT}
  EXPORTERS_LISTEN_ADDRESS         default 127.0.0.1:${EXPORTERS_DEFAULT_PORT}
${DATABASE_ENV_HELP}`,
  async run(argv, env) {
    const { values } = parseFlags(argv, { simulate: { type: 'boolean' } });
    await runRoles({ env, service: 'freshtrack', roles: roleStarters(env), ...demoHooks(env, Boolean(values.simulate)) });
  },
};
