import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real local SMTP server (the smtp-server package) standing in for the mail relay:
 * optional STARTTLS with a self-signed certificate made by openssl at test time, optional
 * AUTH, and every accepted message captured raw with its envelope.
 */
export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
  /** The name the client gave in EHLO/HELO. */
  hello: string;
}

export interface SmtpSink {
  port: number;
  mails: CapturedMail[];
  /** When set, the next RCPT TO is answered with this SMTP code. */
  rejectRecipientWith?: number;
  close(): Promise<void>;
}

export interface SelfSignedCert {
  dir: string;
  certFile: string;
  keyFile: string;
}

/** makeSelfSignedCert runs `openssl req -x509` for `host` (default localhost) and IP 127.0.0.1. */
export function makeSelfSignedCert(host = 'localhost'): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host},IP:127.0.0.1`, '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { dir, certFile, keyFile };
}

export async function startSmtpSink(opts: { tls?: SelfSignedCert; users?: Record<string, string> } = {}): Promise<SmtpSink> {
  const mails: CapturedMail[] = [];
  const sink: SmtpSink = { port: 0, mails, rejectRecipientWith: undefined, close: async () => undefined };
  const options: SMTPServerOptions = {
    secure: false,
    logger: false,
    disabledCommands: [...(opts.tls ? [] : ['STARTTLS']), ...(opts.users ? [] : ['AUTH'])],
    authOptional: !opts.users,
    allowInsecureAuth: false,
    key: opts.tls ? readFileSync(opts.tls.keyFile) : undefined,
    cert: opts.tls ? readFileSync(opts.tls.certFile) : undefined,
    onAuth(auth, _session, cb) {
      if (opts.users && opts.users[auth.username ?? ''] === auth.password) return cb(null, { user: auth.username });
      const err = new Error('Authentication failed') as Error & { responseCode: number };
      err.responseCode = 535;
      return cb(err);
    },
    onRcptTo(_addr, _session, cb) {
      if (sink.rejectRecipientWith) {
        const err = new Error(`mailbox unavailable (${sink.rejectRecipientWith})`) as Error & { responseCode: number };
        err.responseCode = sink.rejectRecipientWith;
        return cb(err);
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
          hello: session.hostNameAppearsAs,
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** ParsedMail is a captured message split into decoded headers and text/html parts. */
export interface ParsedMail {
  headers: Record<string, string>;
  text?: string;
  html?: string;
}

/** parseMail decodes the MIME structure both Go's and nodemailer's messages use. */
export function parseMail(raw: string): ParsedMail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = parseHeaders(head);
  const out: ParsedMail = { headers };
  collectParts(headers, rest.join('\r\n\r\n'), out);
  return out;
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

function collectParts(headers: Record<string, string>, body: string, out: ParsedMail): void {
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const trimmed = part.replace(/^\r?\n/, '');
      const [h, ...b] = trimmed.split(/\r?\n\r?\n/);
      collectParts(parseHeaders(h), b.join('\r\n\r\n').replace(/\r?\n$/, ''), out);
    }
    return;
  }
  const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  let text = body;
  if (enc === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (enc === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  text = text.replace(/\r\n/g, '\n');
  if (type.startsWith('text/html')) out.html = text;
  else if (type.startsWith('text/plain')) out.text = text;
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(src[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** decodeWords decodes RFC 2047 encoded words (=?utf-8?q?…?= / =?utf-8?b?…?=). */
function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) => {
      if (enc.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
      return decodeQuotedPrintable(text.replace(/_/g, ' '));
    });
}
