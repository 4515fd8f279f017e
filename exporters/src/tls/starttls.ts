import type { Socket } from 'node:net';
import { LineReader } from './line-reader';
import type { ProbeModule } from './blackbox-config';

/** PostgreSQL's SSLRequest: length 8, code 80877103; the server answers 'S' before the handshake. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** smtpStartTls: greeting, EHLO (its reply must offer STARTTLS), STARTTLS, 220. */
async function smtpStartTls(socket: Socket, reader: LineReader, log: (msg: string) => void): Promise<void> {
  await reader.readUntil(/^220 /);
  socket.write('EHLO prober\r\n');
  const ehlo = await reader.readUntil(/^250 /);
  if (!ehlo.some((l) => /^250[ -]STARTTLS/i.test(l))) throw new Error('SMTP server does not offer STARTTLS');
  socket.write('STARTTLS\r\n');
  const ready = await reader.readUntil(/^\d{3} /);
  if (!ready[ready.length - 1].startsWith('220')) throw new Error(`SMTP STARTTLS refused: ${ready[ready.length - 1]}`);
  log('SMTP server accepted STARTTLS');
}

/**
 * negotiatePlaintext runs what must happen on the plain socket before the TLS handshake:
 * the module's query_response steps up to `starttls: true`, or the PostgreSQL SSLRequest.
 * Returns whether TLS should start afterwards.
 */
export async function negotiatePlaintext(socket: Socket, module: ProbeModule, log: (msg: string) => void): Promise<boolean> {
  const tcp = module.tcp ?? {};
  if (tcp.starttls === 'postgres') {
    const reader = new LineReader(socket);
    try {
      socket.write(SSL_REQUEST);
      const answer = (await reader.readBytes(1)).toString('latin1');
      log(`PostgreSQL answered SSLRequest with ${JSON.stringify(answer)}`);
      if (answer !== 'S') throw new Error('PostgreSQL server does not accept SSL (answered N)');
      return true;
    } finally {
      reader.detach();
    }
  }
  if (tcp.starttls === 'smtp') {
    const reader = new LineReader(socket);
    try {
      await smtpStartTls(socket, reader, log);
      return true;
    } finally {
      reader.detach();
    }
  }
  const steps = tcp.query_response;
  // Without a starttls step, blackbox starts TLS right after connecting (tls: true) and runs
  // query_response inside it; only the certificate matters here, so those steps are skipped.
  if (!steps?.some((step) => step.starttls)) return Boolean(tcp.tls);
  const reader = new LineReader(socket);
  try {
    for (const step of steps) {
      if (step.expect) {
        const lines = await reader.readUntil(new RegExp(step.expect));
        log(`expected ${step.expect}: matched ${JSON.stringify(lines[lines.length - 1])}`);
      }
      if (step.send !== undefined) socket.write(`${step.send}\n`);
      if (step.starttls) return true;
    }
    return Boolean(tcp.tls);
  } finally {
    reader.detach();
  }
}
