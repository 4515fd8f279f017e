/**
 * bench/open-loop-http.ts — a minimal HTTP/1.1 load generator for open-loop benchmarks, in the
 * spirit of wrk2: requests are pre-serialised bytes written to keep-alive sockets, and a
 * response is parsed only as far as its status and Content-Length. node:http costs ~0.5 ms
 * of CPU per request on this machine, CPU the load generator would take from the server and
 * PostgreSQL on the same 2 cores; this costs a fraction of that. It speaks only what the
 * benchmarked servers answer: Content-Length bodies, no chunked encoding, no redirects.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OpenLoopResult {
  sent: number;
  answered: number;
  non2xx: number;
  errors: number;
  /** Milliseconds from when each answered request was due, sorted. */
  latencies: number[];
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((status: number) => void) | undefined;
  busy = false;

  constructor(
    readonly socket: Socket,
    private readonly onBroken: (conn: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const broken = () => {
      const pending = this.pending;
      this.pending = undefined;
      this.onBroken(this);
      pending?.(-1);
    };
    socket.on('error', broken);
    socket.on('close', broken);
  }

  send(request: Buffer): Promise<number> {
    this.busy = true;
    return new Promise((resolve) => {
      this.pending = (status) => {
        this.busy = false;
        resolve(status);
      };
      this.socket.write(request);
    });
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headerEnd + 4 + length) return;
    this.buffer = this.buffer.subarray(headerEnd + 4 + length);
    const pending = this.pending;
    this.pending = undefined;
    pending?.(Number(head.slice(9, 12)));
  }
}

/**
 * openLoop sends `total` requests, request i due at start + i / rate whatever happened to
 * earlier ones, each on an idle keep-alive connection (a new one when none is idle), and
 * measures each latency from when it was due, so a server that falls behind is charged for
 * the wait (no coordinated omission).
 */
export async function openLoop(opts: { host: string; port: number; rate: number; total: number; request: (i: number) => Buffer }): Promise<OpenLoopResult> {
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const result: OpenLoopResult = { sent: opts.total, answered: 0, non2xx: 0, errors: 0, latencies: [] };
  const broken = (conn: Connection) => {
    all.delete(conn);
    const at = idle.indexOf(conn);
    if (at >= 0) idle.splice(at, 1);
  };
  const open = () =>
    new Promise<Connection>((resolve, reject) => {
      const socket = connect(opts.port, opts.host, () => resolve(conn));
      const conn = new Connection(socket, broken);
      socket.once('error', reject);
      all.add(conn);
    });
  const one = async (i: number, due: number) => {
    let conn: Connection | undefined;
    try {
      conn = idle.pop() ?? (await open());
      const status = await conn.send(opts.request(i));
      if (status < 0) {
        result.errors++;
        return;
      }
      result.answered++;
      result.latencies.push(performance.now() - due);
      if (status < 200 || status > 299) result.non2xx++;
      if (all.has(conn)) idle.push(conn);
    } catch {
      result.errors++;
    }
  };
  const inFlight: Promise<void>[] = [];
  const began = performance.now();
  for (let i = 0; i < opts.total; i++) {
    const due = began + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inFlight.push(one(i, due));
  }
  await Promise.all(inFlight);
  for (const conn of all) conn.socket.destroy();
  result.latencies.sort((a, b) => a - b);
  return result;
}
