import type { Logger } from 'pino';

type Closer = () => Promise<void>;

/**
 * ShutdownManager runs closers in reverse order of registration on SIGTERM/SIGINT: the
 * listeners stop taking work first, then background jobs, then the pools they used.
 */
export class ShutdownManager {
  private readonly closers: { name: string; close: Closer }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  register(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  shutdown(): Promise<void> {
    this.running ??= (async () => {
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
        } catch (err) {
          this.logger.error({ err, closer: name }, 'error during shutdown');
        }
      }
    })();
    return this.running;
  }

  /** installSignalHandlers exits the process once shutdown completes. */
  installSignalHandlers(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        this.logger.info({ signal }, 'shutting down');
        void this.shutdown().then(() => process.exit(0));
      });
    }
  }
}
