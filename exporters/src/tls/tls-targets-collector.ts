import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { MetricSink } from '../metric-sink';
import type { ProbeModule } from './blackbox-config';
import type { CertificateHistory } from './certificate-history';
import { runProbe } from './probe-route';

export interface TlsTarget {
  target: string;
  module: string;
}

/**
 * TlsTargetsCollector probes the targets listed in the exporters config on every /metrics
 * scrape, concurrently, with the blackbox names plus `target` and `module` labels (what
 * Prometheus adds through relabelling when it drives /probe itself).
 */
export class TlsTargetsCollector {
  readonly name = 'tls_targets';

  constructor(
    private readonly targets: TlsTarget[],
    private readonly modules: Record<string, ProbeModule>,
    private readonly logger: Logger,
    private readonly history?: CertificateHistory,
  ) {}

  async scrape(registry: Registry, timeoutMs: number): Promise<{ errors: string[] }> {
    const sink = new MetricSink(registry);
    const errors: string[] = [];
    await Promise.all(
      this.targets.map(async ({ target, module }) => {
        const logs: string[] = [];
        const m = this.modules[module];
        const ok = await runProbe({ modules: this.modules, logger: this.logger, history: this.history }, sink.withLabels({ target, module }), target, m, Math.min(timeoutMs, m.timeoutMs ?? timeoutMs), logs);
        if (!ok) errors.push(`${target} (${module}): ${logs[logs.length - 1] ?? 'failed'}`);
      }),
    );
    return { errors };
  }
}
