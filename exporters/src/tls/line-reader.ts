import type { Socket } from 'node:net';

/**
 * LineReader reads CRLF/LF-terminated lines from a plaintext socket for STARTTLS dialogues,
 * and detaches before the TLS upgrade so no handshake byte is swallowed.
 */
export class LineReader {
  private buffer = '';
  private waiter?: () => void;
  private ended?: Error;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    this.waiter?.();
  };
  private readonly onEnd = () => {
    this.ended = new Error('connection closed during STARTTLS dialogue');
    this.waiter?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  /** readUntil reads lines until one matches (blackbox's `expect`); returns every line read. */
  async readUntil(pattern: RegExp): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (pattern.test(line)) return lines;
    }
  }

  async readBytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    const out = Buffer.from(this.buffer.slice(0, n), 'latin1');
    this.buffer = this.buffer.slice(n);
    return out;
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
  }
}
