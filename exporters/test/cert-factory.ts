import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface IssuedCert {
  name: string;
  certFile: string;
  keyFile: string;
  pem: string;
  key: string;
  /** notAfter/notBefore in whole Unix seconds, as set at issue. */
  notAfter: number;
  notBefore: number;
}

export interface IssueOptions {
  subject: string;
  /** Seconds from now (negative = in the past). */
  notBefore: number;
  notAfter: number;
  issuer?: IssuedCert;
  ca?: boolean;
  /** subjectAltName, e.g. 'DNS:localhost,IP:127.0.0.1'. */
  san?: string;
}

const CONFIG = (dir: string) => `[ca]
default_ca = CA_default
[CA_default]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** asn1Time renders Unix seconds for `openssl ca -startdate/-enddate` (GeneralizedTime form). */
function asn1Time(unix: number): string {
  return `${new Date(unix * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * CertFactory issues certificates with `openssl ca`, which (unlike `openssl x509 -days`)
 * sets exact notBefore/notAfter dates, including past ones for expired certificates.
 */
export class CertFactory {
  readonly dir = mkdtempSync(join(tmpdir(), 'certs-'));
  private readonly now = Math.floor(Date.now() / 1000);

  constructor() {
    mkdirSync(join(this.dir, 'newcerts'));
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial'), `${Math.floor(Math.random() * 0xffffff).toString(16).padStart(8, '0')}10\n`);
    writeFileSync(join(this.dir, 'openssl.cnf'), CONFIG(this.dir));
  }

  async issue(name: string, opts: IssueOptions): Promise<IssuedCert> {
    const file = (ext: string) => join(this.dir, `${name}.${ext}`);
    await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('key'), '-out', file('csr'), '-subj', opts.subject]);
    const ext = opts.ca
      ? 'basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n'
      : `basicConstraints = CA:false\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n${opts.san ? `subjectAltName = ${opts.san}\n` : ''}`;
    writeFileSync(file('ext'), `[ext]\n${ext}`);
    const notBefore = this.now + opts.notBefore;
    const notAfter = this.now + opts.notAfter;
    const signer = opts.issuer ? ['-cert', opts.issuer.certFile, '-keyfile', opts.issuer.keyFile] : ['-selfsign', '-keyfile', file('key')];
    await run('openssl', [
      'ca', '-batch', '-notext', '-config', join(this.dir, 'openssl.cnf'), '-in', file('csr'), '-out', file('crt'),
      '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-extfile', file('ext'), '-extensions', 'ext', ...signer,
    ]);
    return { name, certFile: file('crt'), keyFile: file('key'), pem: readFileSync(file('crt'), 'utf8'), key: readFileSync(file('key'), 'utf8'), notAfter, notBefore };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
