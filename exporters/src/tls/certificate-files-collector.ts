import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { MetricSink } from '../metric-sink';
import { lifetimeSeconds, type CertificateFacts } from './domain/certificate-facts';
import type { CertificateHistory } from './certificate-history';
import { factsOf, parsePemBundle } from './x509-facts';

/**
 * certificateFiles expands a configured path: a PEM file as is; a Let's Encrypt live
 * directory (live/example.com) to its fullchain.pem (or cert.pem); the live/ directory
 * itself to each of its certificate directories.
 */
export function certificateFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  for (const name of ['fullchain.pem', 'cert.pem']) {
    if (existsSync(join(path, name))) return [join(path, name)];
  }
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .flatMap((e) => ['fullchain.pem', 'cert.pem'].map((n) => join(path, e.name, n)).filter((p) => existsSync(p)).slice(0, 1));
}

const list = (items: string[]) => (items.length ? `,${items.join(',')},` : '');

function attribute(goName: string, type: string): string[] {
  return goName
    .split(/(?<!\\)[,+]/)
    .filter((p) => p.startsWith(`${type}=`))
    .map((p) => p.slice(type.length + 1));
}

/**
 * CertificateFilesCollector reads certificates on disk at scrape time, with ssl_exporter's
 * file-prober names and labels (`ssl_file_cert_not_after{file,serial_no,issuer_cn,cn,…}`)
 * plus the lifetime, and records changes in the renewal history keyed by the file path.
 */
export class CertificateFilesCollector {
  readonly name = 'certificate_files';

  constructor(
    private readonly paths: string[],
    private readonly logger: Logger,
    private readonly history?: CertificateHistory,
  ) {}

  async scrape(registry: Registry): Promise<{ errors: string[] }> {
    const sink = new MetricSink(registry);
    const errors: string[] = [];
    for (const path of this.paths) {
      let files: string[];
      try {
        files = certificateFiles(path);
      } catch (err) {
        errors.push(`${path}: ${(err as Error).message}`);
        sink.gauge('ssl_file_read_success', 'Whether the certificate file could be read and parsed', 0, { file: path });
        continue;
      }
      for (const file of files) {
        try {
          const certs = parsePemBundle(readFileSync(file, 'utf8')).map(factsOf);
          if (certs.length === 0) throw new Error('no PEM certificate in file');
          certs.forEach((c) => emitFileCert(sink, file, c));
          sink.gauge('ssl_file_read_success', 'Whether the certificate file could be read and parsed', 1, { file });
          await this.history?.record(file, certs[0]).catch((err) => this.logger.warn({ err, file }, 'could not record certificate observation'));
        } catch (err) {
          errors.push(`${file}: ${(err as Error).message}`);
          sink.gauge('ssl_file_read_success', 'Whether the certificate file could be read and parsed', 0, { file });
        }
      }
    }
    return { errors };
  }
}

function emitFileCert(sink: MetricSink, file: string, c: CertificateFacts): void {
  const labels = {
    file,
    serial_no: BigInt(`0x${c.serialNumber || '0'}`).toString(),
    issuer_cn: attribute(c.issuer, 'CN')[0] ?? '',
    cn: attribute(c.subject, 'CN')[0] ?? '',
    dnsnames: list(c.dnsNames),
    ips: list(c.ipAddresses),
    emails: '',
    ou: list(attribute(c.subject, 'OU')),
  };
  sink.gauge('ssl_file_cert_not_after', 'NotAfter expressed as a Unix Epoch Time for a certificate found in a file', c.notAfter, labels);
  sink.gauge('ssl_file_cert_not_before', 'NotBefore expressed as a Unix Epoch Time for a certificate found in a file', c.notBefore, labels);
  sink.gauge('ssl_file_cert_lifetime_seconds', 'NotAfter minus NotBefore of a certificate found in a file; renewal is overdue past two thirds of it', lifetimeSeconds(c), labels);
}
