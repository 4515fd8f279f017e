import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * replicaId names this router process in claims and in the history: host, pid and a random
 * suffix, so a restarted process on the same host never mistakes an old claim for its own.
 */
export function replicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
