import { z } from 'zod';
import { parseConfig, readSecret, setting, type Env } from '../config/env';

export interface DatabaseConfig {
  /** Absent: run the embedded PostgreSQL (PGlite) under dataDir. */
  url?: string;
  poolMax: number;
  dataDir: string;
  embeddedPort: number;
}

const schema = z.object({
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// connection URL')
    .optional(),
  DATABASE_POOL_MAX: setting.positiveInt().default(10),
  FRESHTRACK_DATA_DIR: z.string().min(1).default('.data'),
  FRESHTRACK_EMBEDDED_PG_PORT: setting.port().default(0),
});

/** parseDatabaseConfig reads DATABASE_URL (or DATABASE_URL_FILE) and pool settings. */
export function parseDatabaseConfig(env: Env): DatabaseConfig {
  const raw = { ...env, DATABASE_URL: readSecret(env, 'DATABASE_URL') };
  const c = parseConfig(schema, raw);
  return { url: c.DATABASE_URL, poolMax: c.DATABASE_POOL_MAX, dataDir: c.FRESHTRACK_DATA_DIR, embeddedPort: c.FRESHTRACK_EMBEDDED_PG_PORT };
}
