import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ExclusiveProtocolQueue } from './embedded-protocol-queue';

export interface EmbeddedPostgres {
  /** A connection string for an ordinary `pg` pool. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** Must be at least the sum of every pool's `max` in this process (PGlite defaults to 1). */
  maxConnections?: number;
}

/**
 * startEmbeddedPostgres runs PostgreSQL in-process (PGlite, WASM) and serves it on a loopback
 * socket, so the embedded default goes through exactly the same `pg` code as production.
 * PGlite is a single backend: one transaction at a time, and session state is shared by all
 * connections, which is why the code base only uses transaction-scoped advisory locks.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 64 });
  // Its own queue lets concurrent connections' extended-protocol messages interleave (see the class).
  (server as unknown as { queryQueue: ExclusiveProtocolQueue }).queryQueue = new ExclusiveProtocolQueue(db);
  await server.start();
  const port = await boundPort(server, opts.port ?? 0);
  return {
    url: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

async function boundPort(server: PGLiteSocketServer, requested: number): Promise<number> {
  if (requested !== 0) return requested;
  // pglite-socket keeps its net.Server private; port 0 needs the bound port read back.
  const net = (server as unknown as { server?: import('node:net').Server }).server;
  const addr = net?.address();
  if (addr && typeof addr === 'object') return addr.port;
  throw new Error('embedded PostgreSQL: could not read the bound port; set an explicit port');
}
