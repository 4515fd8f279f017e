import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { MetricSink } from '../metric-sink';
import type { ProbeModule } from './blackbox-config';
import type { CertificateHistory } from './certificate-history';
import { probeTcpTls, type ProbeFn } from './tls-prober';

/** PROBERS is the prober registry (blackbox's prober/handler.go); this exporter runs TLS over tcp. */
export const PROBERS: Record<string, ProbeFn> = { tcp: probeTcpTls };

/** Offset blackbox subtracts from the scrape timeout so the answer arrives before Prometheus gives up. */
const TIMEOUT_OFFSET_S = 0.5;
const DEFAULT_TIMEOUT_S = 120;

/** probeTimeoutMs: X-Prometheus-Scrape-Timeout-Seconds minus the offset, capped by the module's timeout. */
export function probeTimeoutMs(req: Pick<Request, 'header'>, module: ProbeModule): number {
  const header = Number(req.header('X-Prometheus-Scrape-Timeout-Seconds'));
  let seconds = Number.isFinite(header) && header > 0 ? Math.max(header - TIMEOUT_OFFSET_S, 0.1) : DEFAULT_TIMEOUT_S;
  if (module.timeoutMs && module.timeoutMs / 1000 < seconds) seconds = module.timeoutMs / 1000;
  return seconds * 1000;
}

export interface ProbeRunOptions {
  modules: Record<string, ProbeModule>;
  logger: Logger;
  history?: CertificateHistory;
}

/**
 * runProbe performs one probe into `sink`: probe_success and probe_duration_seconds are
 * always there, the prober adds the rest. Failures (refused, hostname mismatch, untrusted,
 * expired) are probe_success 0 with the reason in the log, never an exception.
 */
export async function runProbe(opts: ProbeRunOptions, sink: MetricSink, target: string, module: ProbeModule, timeoutMs: number, logs: string[]): Promise<boolean> {
  const log = (msg: string) => logs.push(`${new Date().toISOString()} ${msg}`);
  const started = performance.now();
  let success = false;
  try {
    const result = await PROBERS[module.prober](target, module, sink, AbortSignal.timeout(timeoutMs), log);
    success = result.success;
    if (result.leaf && opts.history) {
      await opts.history.record(target, result.leaf).catch((err) => opts.logger.warn({ err, target }, 'could not record certificate observation'));
    }
  } catch (err) {
    log(`probe failed: ${(err as Error).message}`);
  } finally {
    sink.gauge('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', (performance.now() - started) / 1000);
    sink.gauge('probe_success', 'Displays whether or not the probe was a success', success ? 1 : 0);
  }
  if (!success) opts.logger.debug({ target, logs }, 'probe failed');
  return success;
}

/** probeHandler serves GET /probe?target=host:port&module=NAME[&debug=true] with a fresh registry per request. */
export function probeHandler(opts: ProbeRunOptions): RequestHandler {
  return async (req, res) => {
    const target = typeof req.query.target === 'string' ? req.query.target : '';
    const moduleName = typeof req.query.module === 'string' && req.query.module ? req.query.module : 'tls';
    if (!target) return void res.status(400).type('text/plain').send('Target parameter is missing\n');
    const module = opts.modules[moduleName];
    if (!module) return void res.status(400).type('text/plain').send(`Unknown module "${moduleName}"\n`);
    if (!PROBERS[module.prober]) {
      return void res.status(400).type('text/plain').send(`Module "${moduleName}" uses prober "${module.prober}"; this exporter runs tcp (TLS) probes only\n`);
    }
    const registry = new Registry();
    const logs: string[] = [];
    await runProbe(opts, new MetricSink(registry), target, module, probeTimeoutMs(req, module), logs);
    const metrics = await registry.metrics();
    if (req.query.debug === 'true') {
      return void res.type('text/plain').send(`Logs for the probe:\n${logs.join('\n')}\n\nMetrics that would have been returned:\n${metrics}`);
    }
    res.set('Content-Type', registry.contentType).send(metrics);
  };
}
