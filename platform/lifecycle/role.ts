import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Pool } from '../db/pool';
import type { ShutdownManager } from './shutdown';

/**
 * RoleContext is what the CLI hands a role: the shared pool (one per process), a logger and
 * a registry of its own, and the shutdown manager it registers its closers with.
 */
export interface RoleContext {
  pool: Pool;
  /** The pool leads to the embedded PGlite, which lacks some server features (COPY FROM STDIN). */
  embeddedDatabase: boolean;
  logger: Logger;
  registry: Registry;
  shutdown: ShutdownManager;
  /** Process-wide settings that roles share (external URLs of the other roles, etc.). */
  env: Record<string, string | undefined>;
}

/** RunningRole describes a started role for the start-up banner. */
export interface RunningRole {
  name: string;
  url: string;
  /** Extra lines for the banner (endpoints worth knowing). */
  notes?: string[];
}
