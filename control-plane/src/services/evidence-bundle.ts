import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { toCsv } from '../domain/csv';
import { AppError } from '../../../platform/errors/app-error';
import type { OrgStores } from '../stores/org-stores';
import { allRows, AUDIT_VIEWS, csvColumns } from './audit-views';

/** A bundle is built in memory; beyond this many readings the caller must split the range. */
export const EVIDENCE_MAX_READINGS = 250_000;

const BUNDLED = ['temperature-log', 'excursions', 'backups', 'certificates', 'notifications', 'audit-log'];

export interface EvidenceFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
  content: string;
}

/**
 * buildEvidenceBundle produces, for a date range, one CSV per record class and a manifest of
 * their SHA-256 hashes (and the manifest's own hash), as one JSON document: what an inspector
 * asks for within 24 hours, verifiable with `sha256sum` after saving each file.
 */
export function buildEvidenceBundle(stores: OrgStores, from: Date, to: Date, generatedBy: string) {
  return trace.getTracer('freshtrack').startActiveSpan('control-plane.evidence-bundle', async (span) => {
    try {
      const bundle = await assemble(stores, from, to, generatedBy);
      span.setAttribute('evidence.files', bundle.files.length);
      span.setAttribute('evidence.rows', bundle.files.reduce((n, f) => n + f.rows, 0));
      return bundle;
    } finally {
      span.end();
    }
  });
}

async function assemble(stores: OrgStores, from: Date, to: Date, generatedBy: string) {
  const readings = await stores.readings.count(from, to);
  if (readings > EVIDENCE_MAX_READINGS) {
    throw new AppError(413, `from: the range holds ${readings} readings; a bundle takes at most ${EVIDENCE_MAX_READINGS}, split the range`, { field: 'from' });
  }
  const organization = await stores.inventory.organization();
  const files: EvidenceFile[] = [];
  for (const name of BUNDLED) {
    const view = AUDIT_VIEWS[name];
    const rows = await allRows(stores, view, { from, to });
    const content = toCsv(csvColumns(view), rows);
    files.push({ name: `${name}.csv`, rows: rows.length, bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex'), content });
  }
  const chain = await stores.auditLog.chain();
  const manifest = {
    organization: { id: organization.id, slug: organization.slug, name: organization.name },
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: new Date().toISOString(),
    generatedBy,
    auditChainHead: chain.length ? chain[chain.length - 1].hash : null,
    files: files.map(({ name, rows, bytes, sha256 }) => ({ name, rows, bytes, sha256 })),
  };
  const manifestText = JSON.stringify(manifest, null, 2);
  return { manifest, manifestSha256: createHash('sha256').update(manifestText).digest('hex'), manifestText, files };
}
