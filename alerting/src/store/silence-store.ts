import type { Queryable } from './queryable';

/** SilenceMatcher is a matcher as API v2 writes it. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface StoredSilence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
  updatedAt: Date;
}

const COLUMNS = `id::text AS id, matchers, starts_at AS "startsAt", ends_at AS "endsAt", created_by AS "createdBy", comment, updated_at AS "updatedAt"`;

/**
 * SilenceStore keeps silences in PostgreSQL so every replica sees the same ones and a restart
 * forgets none. Validation (matchers, times) is the silence module's job; this stores results.
 */
export class SilenceStore {
  constructor(private readonly db: Queryable) {}

  /** save inserts or replaces a silence by id (an update that keeps the id, as amtool's). */
  async save(s: StoredSilence): Promise<void> {
    await this.db.query(
      `INSERT INTO router_silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET matchers = EXCLUDED.matchers, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
         created_by = EXCLUDED.created_by, comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at`,
      [s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment, s.updatedAt],
    );
  }

  async get(id: string): Promise<StoredSilence | undefined> {
    const r = await this.db.query<StoredSilence>(`SELECT ${COLUMNS} FROM router_silences WHERE id = $1`, [id]);
    return r.rows[0];
  }

  /** list returns every silence not yet past retention (expired ones stay listed, as in Alertmanager). */
  async list(): Promise<StoredSilence[]> {
    const r = await this.db.query<StoredSilence>(`SELECT ${COLUMNS} FROM router_silences ORDER BY starts_at, id`);
    return r.rows;
  }

  /**
   * expire ends a silence now (DELETE /api/v2/silence/{id}); a pending one ends at its start.
   * Returns false when no unexpired silence has that id.
   */
  async expire(id: string, now: Date): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE router_silences SET ends_at = $2, starts_at = LEAST(starts_at, $2), updated_at = $2 WHERE id = $1 AND ends_at > $2`,
      [id, now],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** gc deletes silences that expired before `before` (now minus data.retention). */
  async gc(before: Date): Promise<number> {
    const r = await this.db.query('DELETE FROM router_silences WHERE ends_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
