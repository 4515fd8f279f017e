import { z } from 'zod';
import { parseConfig, type Env } from '../config/env';
import { parseListenAddress, type ListenAddress } from '../config/listen-address';

/**
 * roleListenAddress reads a role's `host:port` from its env var (e.g. INGEST_LISTEN_ADDRESS),
 * falling back to the role's default port on FRESHTRACK_HOST (127.0.0.1 unless set).
 */
export function roleListenAddress(env: Env, variable: string, defaultPort: number): ListenAddress {
  const value = parseConfig(z.object({ [variable]: z.string().optional() }), env)[variable] as string | undefined;
  return parseListenAddress(variable, value ?? `${env.FRESHTRACK_HOST ?? '127.0.0.1'}:${defaultPort}`);
}
