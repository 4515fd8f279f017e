import type { Silence } from '../silence/silence';
import type { Queryable } from './queryable';

const COLUMNS = `id::text AS id, matchers, starts_at AS "startsAt", ends_at AS "endsAt", created_by AS "createdBy", comment, updated_at AS "updatedAt"`;

/**
 * PgSilenceStore keeps silences in PostgreSQL so every replica sees the same ones and a restart
 * forgets none. Validation (matchers, times) is the silence module's job; this stores results.
 */
export class PgSilenceStore {
  constructor(private readonly db: Queryable) {}

  /** save inserts or replaces a silence by id (an update that keeps the id); the newest update wins across replicas. */
  async save(s: Silence): Promise<void> {
    await this.db.query(
      `INSERT INTO router_silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET matchers = EXCLUDED.matchers, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
         created_by = EXCLUDED.created_by, comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at
       WHERE router_silences.updated_at <= EXCLUDED.updated_at`,
      [s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment, s.updatedAt],
    );
  }

  async get(id: string): Promise<Silence | undefined> {
    const r = await this.db.query<Silence>(`SELECT ${COLUMNS} FROM router_silences WHERE id = $1`, [id]);
    return r.rows[0];
  }

  /** list returns every silence not yet past retention (expired ones stay listed, as in Alertmanager). */
  async list(): Promise<Silence[]> {
    const r = await this.db.query<Silence>(`SELECT ${COLUMNS} FROM router_silences ORDER BY starts_at, id`);
    return r.rows;
  }

  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM router_silences WHERE id = $1', [id]);
  }

  /** gc deletes silences that expired before `before` (now minus data.retention). */
  async gc(before: Date): Promise<number> {
    const r = await this.db.query('DELETE FROM router_silences WHERE ends_at < $1', [before]);
    return r.rowCount ?? 0;
  }
}
