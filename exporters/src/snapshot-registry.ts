import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from 'pino';

/** Collector is one exporter's scrape: it writes one consistent snapshot into `registry`. */
export interface Collector {
  name: string;
  scrape(registry: Registry, timeoutMs: number): Promise<{ errors: string[] }>;
}

/**
 * SnapshotRegistry is the registry the exporters role serves on /metrics. Each read builds a
 * fresh Registry, runs every collector's single scrape() into it and appends it to the
 * role's own metrics (process, HTTP, scrape duration/errors). prom-client's own collect()
 * callbacks run concurrently per metric, so they could not give one snapshot; this can.
 */
export class SnapshotRegistry extends Registry {
  private readonly duration: Gauge<'collector'>;
  private readonly errors: Counter<'collector'>;

  constructor(
    private readonly base: Registry,
    private readonly collectors: Collector[],
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {
    super();
    this.duration = new Gauge({
      name: 'freshtrack_exporter_scrape_duration_seconds',
      help: 'Duration of the last scrape of each collector',
      labelNames: ['collector'],
      registers: [base],
    });
    this.errors = new Counter({
      name: 'freshtrack_exporter_scrape_errors_total',
      help: 'Errors met while scraping, by collector (the scrape still answers, with <ns>_up 0 when fatal)',
      labelNames: ['collector'],
      registers: [base],
    });
    for (const c of collectors) this.errors.inc({ collector: c.name }, 0);
  }

  override async metrics(): Promise<string> {
    const fresh = new Registry();
    await Promise.all(
      this.collectors.map(async (c) => {
        const started = performance.now();
        try {
          const { errors } = await c.scrape(fresh, this.timeoutMs);
          if (errors.length) this.errors.inc({ collector: c.name }, errors.length);
        } catch (err) {
          this.errors.inc({ collector: c.name });
          this.logger.error({ err, collector: c.name }, 'collector failed');
        } finally {
          this.duration.set({ collector: c.name }, (performance.now() - started) / 1000);
        }
      }),
    );
    const parts = await Promise.all([super.metrics(), this.base.metrics(), fresh.metrics()]);
    return parts.filter((p) => p.trim()).join('\n');
  }
}
