import { ConfigError } from '../../platform/config/config-error';
import { parseFlags } from '../../platform/config/flags';
import { parseDatabaseConfig } from '../../platform/db/database-config';
import { openDatabase } from '../../platform/db/open-database';
import { createLogger } from '../../platform/logging/logger';
import { ensureSigningKey, mintToken } from '../../control-plane/src/auth/local-issuer';
import { parseControlPlaneConfig } from '../../control-plane/src/config/control-plane-config';
import { CONTROL_PLANE_DEFAULT_PORT } from '../../control-plane/src/control-plane-role';
import { isRole, ROLES } from '../../control-plane/src/domain/roles';
import type { Command } from '../command';

/**
 * The embedded database is a directory PGlite opens without a lock: a second process opening
 * it while `freshtrack start` runs would corrupt it. A control plane answering on its address
 * means it is in use; the running instance's database is then reachable over its socket.
 */
async function refuseIfEmbeddedInUse(env: NodeJS.ProcessEnv): Promise<void> {
  const address = env.CONTROL_PLANE_LISTEN_ADDRESS ?? `${env.FRESHTRACK_HOST ?? '127.0.0.1'}:${CONTROL_PLANE_DEFAULT_PORT}`;
  const host = address.startsWith(':') || address.startsWith('0.0.0.0:') ? `127.0.0.1${address.slice(address.lastIndexOf(':'))}` : address;
  const running = await fetch(`http://${host}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
    (res) => res.ok,
    () => false,
  );
  if (running) {
    throw new ConfigError(
      'DATABASE_URL',
      `a running freshtrack (${host}) has the embedded database open; start it with FRESHTRACK_EMBEDDED_PG_PORT=PORT and set DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres, or stop it first`,
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Mint a control-plane token from the local development issuer',
  help: `Usage: freshtrack token --org ORG --role ROLE [--subject ID] [--name NAME] [--ttl SECONDS]

Prints a JWT signed by the control plane's local development issuer (its key is kept in the
database, so every control-plane replica accepts it). ORG is an organization slug or id; a
slug that does not exist yet is created. Refused when CONTROL_PLANE_JWKS_URL configures an
external identity provider: tokens then come from that provider only.

Flags:
  --org ORG         organization slug or id (required)
  --role ROLE       ${ROLES.join(' | ')} (required)
  --subject ID      token subject (default: cli:ROLE)
  --name NAME       printed name used for e-signatures (default: the subject)
  --ttl SECONDS     lifetime (default 3600, at most 30 days)

Environment:
  DATABASE_URL, DATABASE_URL_FILE  the control plane's database; unset = the embedded one, refused
                                   while a freshtrack answers on CONTROL_PLANE_LISTEN_ADDRESS (run
                                   it with FRESHTRACK_EMBEDDED_PG_PORT and point DATABASE_URL there)
  CONTROL_PLANE_ORG_CLAIM, CONTROL_PLANE_ROLE_CLAIM, CONTROL_PLANE_NAME_CLAIM  claim names`,
  async run(argv, env) {
    const { values } = parseFlags(argv, {
      org: { type: 'string' },
      role: { type: 'string' },
      subject: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string' },
    });
    const config = parseControlPlaneConfig(env);
    if (config.jwksUrl) throw new ConfigError('CONTROL_PLANE_JWKS_URL', 'an external identity provider is configured; the local issuer is disabled');
    const org = values.org as string | undefined;
    const role = values.role as string | undefined;
    if (!org) throw new ConfigError('--org', 'required');
    if (!isRole(role)) throw new ConfigError('--role', `must be one of ${ROLES.join(', ')}`);
    const ttl = Number(values.ttl ?? 3600);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400) throw new ConfigError('--ttl', 'must be whole seconds between 60 and 2592000');
    if (!UUID.test(org) && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(org)) throw new ConfigError('--org', 'must be an organization id or a slug like "acme-foods"');

    const dbConfig = parseDatabaseConfig(env);
    if (!dbConfig.url) await refuseIfEmbeddedInUse(env);
    const db = await openDatabase(dbConfig, createLogger('token'), { applicationName: 'freshtrack-token' });
    try {
      let { rows } = await db.pool.query<{ id: string }>(UUID.test(org) ? 'SELECT id FROM organizations WHERE id = $1' : 'SELECT id FROM organizations WHERE slug = $1', [org]);
      if (!rows[0]) {
        if (UUID.test(org)) throw new ConfigError('--org', `no organization with id ${org}`);
        ({ rows } = await db.pool.query<{ id: string }>('INSERT INTO organizations (slug, name) VALUES ($1, $1) ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id', [org]));
        process.stderr.write(`created organization "${org}" (${rows[0].id})\n`);
      }
      const key = await ensureSigningKey(db.pool);
      const subject = (values.subject as string | undefined) ?? `cli:${role}`;
      const token = await mintToken(key, {
        issuer: config.issuer,
        audience: config.audience,
        subject,
        name: values.name as string | undefined,
        orgId: rows[0].id,
        role,
        ttlSeconds: ttl,
        claims: config.claims,
      });
      process.stdout.write(`${token}\n`);
    } finally {
      await db.close();
    }
  },
};
