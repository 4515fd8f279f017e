import { ALERTING_DEFAULT_PORT, DEFAULT_CONFIG_FILE, startAlerting } from '../../alerting/src/alerting-role';
import { compileEagerly } from '../../alerting/src/jit-tuning';
import { loadConfigFile } from '../../alerting/src/config/config';
import { ConfigFileError } from '../../alerting/src/config/config-file-error';
import { parseDuration } from '../../alerting/src/config/duration';
import { ConfigError } from '../../platform/config/config-error';
import { parseFlags } from '../../platform/config/flags';
import { parseListenAddress } from '../../platform/config/listen-address';
import { runRoles } from '../role-runner';
import type { Command } from '../command';

/** splitClusterFlags removes Alertmanager's `--cluster.*` flags (HA gossip is not implemented). */
function splitClusterFlags(argv: string[]): { rest: string[]; cluster: string[] } {
  const rest: string[] = [];
  const cluster: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--cluster.')) {
      rest.push(arg);
      continue;
    }
    cluster.push(arg);
    // `--cluster.peer HOST:PORT` form: the next token is the value.
    if (!arg.includes('=') && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !/\.(settle|gossip|pushpull|reconnect|tcp|probe)/.test(arg)) cluster.push(argv[++i]);
  }
  return { rest, cluster };
}

export const alertingCommand: Command = {
  name: 'alerting',
  summary: 'Serve the Alertmanager-compatible alert router',
  help: `Usage: freshtrack alerting --config.file=PATH [--web.listen-address=HOST:PORT] [--web.external-url=URL]
                           [--storage.path=DIR] [--data.retention=120h] [--cluster.*=…]

Serves the Alertmanager-compatible router (API v2, /-/reload, SIGHUP reload) alone.

Flags:
  --config.file=PATH             Alertmanager configuration (default ${DEFAULT_CONFIG_FILE})
  --web.listen-address=HOST:PORT where to listen (env ALERTING_LISTEN_ADDRESS, default 127.0.0.1:${ALERTING_DEFAULT_PORT})
  --web.external-url=URL         URL the router is reachable at (default http://<hostname>:<port>)
  --web.route-prefix=PATH        prefix for the API and /-/ endpoints (default: the external URL's path)
  --storage.path=DIR             accepted for compatibility; state lives in memory
  --data.retention=DURATION      how long expired silences and notification log entries are kept (default 120h)
  --alerts.gc-interval=DURATION  how often resolved alerts and expired state are dropped (default 30m)
  --log.level=LEVEL              debug|info|warn|error (overrides LOG_LEVEL)
  --log.format=FORMAT            accepted; logs are always JSON
  --cluster.*                    accepted and ignored: high availability is not implemented

Environment:
  DATABASE_URL, DATABASE_URL_FILE  PostgreSQL (readiness); unset = embedded
  LOG_LEVEL                        trace|debug|info|warn|error (default info)`,
  async run(argv, env) {
    compileEagerly();
    const { rest, cluster } = splitClusterFlags(argv);
    const { values } = parseFlags(rest, {
      'config.file': { type: 'string' },
      'web.listen-address': { type: 'string' },
      'web.external-url': { type: 'string' },
      'web.route-prefix': { type: 'string' },
      'storage.path': { type: 'string' },
      'data.retention': { type: 'string' },
      'alerts.gc-interval': { type: 'string' },
      'log.level': { type: 'string' },
      'log.format': { type: 'string' },
    });
    const listenText = (values['web.listen-address'] as string | undefined) ?? env.ALERTING_LISTEN_ADDRESS ?? `${env.FRESHTRACK_HOST ?? '127.0.0.1'}:${ALERTING_DEFAULT_PORT}`;
    const listen = parseListenAddress('--web.listen-address', listenText);
    const externalUrl = values['web.external-url'] as string | undefined;
    if (externalUrl !== undefined && !/^https?:\/\/[^/]+/.test(externalUrl)) throw new ConfigError('--web.external-url', `"${externalUrl}" is not an absolute http(s) URL`);
    const duration = (flag: 'data.retention' | 'alerts.gc-interval') => {
      const text = values[flag] as string | undefined;
      if (text === undefined) return undefined;
      try {
        const ms = parseDuration(text, `--${flag}`);
        if (ms === 0) throw new Error('must be greater than zero');
        return ms;
      } catch (err) {
        throw new ConfigError(`--${flag}`, (err as Error).message);
      }
    };
    const retentionMs = duration('data.retention');
    const gcIntervalMs = duration('alerts.gc-interval');
    const configFile = (values['config.file'] as string | undefined) ?? DEFAULT_CONFIG_FILE;
    try {
      loadConfigFile(configFile);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      // Like Alertmanager: an invalid config at start-up exits 1 without listening.
      process.stderr.write(`freshtrack alerting: loading configuration file ${configFile} failed: ${err.message}\n`);
      process.exit(1);
    }
    const logLevel = values['log.level'] as string | undefined;
    if (logLevel !== undefined) {
      if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError('--log.level', `"${logLevel}" is not one of debug, info, warn, error`);
      // Alertmanager's flag; the platform logger reads LOG_LEVEL.
      process.env.LOG_LEVEL = logLevel;
    }
    const roleEnv = { ...env, ALERTING_LISTEN_ADDRESS: listenText };
    await runRoles({
      env: roleEnv,
      service: 'alerting',
      roles: {
        alerting: (ctx) => {
          if (cluster.length) ctx.logger.info({ flags: cluster }, 'cluster flags accepted and ignored: replicas coordinate through PostgreSQL (ADR 0035), no gossip');
          if (values['storage.path']) ctx.logger.info({ path: values['storage.path'] }, 'storage.path accepted and unused: silences, alerts and the notification log live in PostgreSQL');
          return startAlerting(ctx, listen, { configFile, externalUrl, retentionMs, gcIntervalMs, routePrefix: values['web.route-prefix'] as string | undefined });
        },
      },
    });
  },
};
