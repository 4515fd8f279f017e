import { Counter, Gauge, type Registry } from 'prom-client';

export type MetricType = 'gauge' | 'counter';

/**
 * MetricSink writes one scrape's values into a fresh registry, creating each metric family
 * the first time a value for it arrives. Families without values are then simply absent,
 * as with the const metrics of the Go exporters (blackbox emits no probe_ssl_* after a
 * failed handshake; pgbouncer_exporter skips columns an older PgBouncer lacks).
 */
export class MetricSink {
  private readonly metrics = new Map<string, Gauge<string> | Counter<string>>();

  constructor(readonly registry: Registry) {}

  set(type: MetricType, name: string, help: string, value: number, labels: Record<string, string> = {}): void {
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
