import { Counter, Gauge, type Registry } from 'prom-client';

export type MetricType = 'gauge' | 'counter';

/**
 * MetricSink writes one scrape's values into a fresh registry, creating each metric family
 * the first time a value for it arrives. Families without values are then simply absent,
 * as with the const metrics of the Go exporters (blackbox emits no probe_ssl_* after a
 * failed handshake; pgbouncer_exporter skips columns an older PgBouncer lacks).
 */
export class MetricSink {
  constructor(
    readonly registry: Registry,
    /** Labels added to every series (e.g. {target, module} when /metrics probes several targets). */
    private readonly extra: Record<string, string> = {},
    private readonly metrics = new Map<string, Gauge<string> | Counter<string>>(),
  ) {}

  /** withLabels returns a sink writing into the same metric families with more labels on every series. */
  withLabels(extra: Record<string, string>): MetricSink {
    return new MetricSink(this.registry, { ...this.extra, ...extra }, this.metrics);
  }

  set(type: MetricType, name: string, help: string, value: number, own: Record<string, string> = {}): void {
    const labels = { ...this.extra, ...own };
    let metric = this.metrics.get(name);
    if (!metric) {
      const opts = { name, help, labelNames: Object.keys(labels), registers: [this.registry] };
      metric = type === 'counter' ? new Counter(opts) : new Gauge(opts);
      this.metrics.set(name, metric);
    }
    if (metric instanceof Counter) metric.inc(labels, value);
    else metric.set(labels, value);
  }

  gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
    this.set('gauge', name, help, value, labels);
  }

  has(name: string): boolean {
    return this.metrics.has(name);
  }
}
