import { createHash } from 'node:crypto';

/** The genesis prev_hash of every organization's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row that its hash covers (everything but the hash itself). */
export interface AuditRecord {
  seq: string;
  orgId: string | null;
  occurredAt: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/**
 * canonicalJson serialises with object keys sorted at every depth, so the same row always
 * hashes the same whatever order PostgreSQL's jsonb returns keys in.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** auditHash = sha256(prev_hash + canonical JSON of the row), hex. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');
}

export interface ChainRow extends AuditRecord {
  prevHash: string;
  hash: string;
}

export type ChainVerdict = { valid: true; checked: number; lastHash: string } | { valid: false; checked: number; brokenAtSeq: string; reason: string };

/**
 * verifyChain recomputes each row's hash in sequence order: an edited row no longer matches
 * its hash, and a deleted or reordered row breaks the next row's prev_hash link.
 */
export function verifyChain(rows: ChainRow[], startHash = GENESIS_HASH): ChainVerdict {
  let prev = startHash;
  let checked = 0;
  for (const row of rows) {
    if (row.prevHash !== prev) return { valid: false, checked, brokenAtSeq: row.seq, reason: 'prev_hash does not match the previous row' };
    const { prevHash: _p, hash: _h, ...record } = row;
    if (auditHash(prev, record) !== row.hash) return { valid: false, checked, brokenAtSeq: row.seq, reason: 'row content does not match its hash' };
    prev = row.hash;
    checked += 1;
  }
  return { valid: true, checked, lastHash: prev };
}
