import type { Logger } from 'pino';
import { withTransaction, type Pool } from '../../../platform/db/pool';
import type { CertificateFacts } from './domain/certificate-facts';

/**
 * CertificateHistory records each change of the certificate an endpoint (or file) presents
 * — a new serial, notAfter or issuer — in certificate_observations: the renewal history
 * auditors ask for. Unchanged observations write nothing.
 */
export class CertificateHistory {
  /** Last fingerprint recorded per target by this process: skips the database when nothing changed. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** record returns true when a new observation row was written. */
  async record(target: string, cert: CertificateFacts): Promise<boolean> {
    if (this.seen.get(target) === cert.fingerprintSha256) return false;
    const inserted = await withTransaction(this.pool, async (client) => {
      // Replicas probing the same target serialise here, so a change is recorded once.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`freshtrack.certificate:${target}`]);
      const result = await client.query(
        `INSERT INTO certificate_observations
           (target, serial_number, subject, issuer, not_before, not_after, fingerprint_sha256, dns_names)
         SELECT $1, $2, $3, $4, to_timestamp($5), to_timestamp($6), $7, $8
         WHERE NOT EXISTS (
           SELECT 1 FROM (
             SELECT serial_number, not_after, issuer FROM certificate_observations
             WHERE target = $1 ORDER BY observed_at DESC, id DESC LIMIT 1
           ) latest
           WHERE latest.serial_number = $2 AND latest.not_after = to_timestamp($6) AND latest.issuer = $4
         )`,
        [target, cert.serialNumber, cert.subject, cert.issuer, cert.notBefore, cert.notAfter, cert.fingerprintSha256, cert.dnsNames],
      );
      return (result.rowCount ?? 0) > 0;
    });
    this.seen.set(target, cert.fingerprintSha256);
    if (inserted) this.logger.info({ target, serial: cert.serialNumber, notAfter: cert.notAfter, issuer: cert.issuer }, 'certificate change recorded');
    return inserted;
  }
}
