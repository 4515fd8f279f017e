import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../platform/paths';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface ScrapeTargets {
  ingest: string;
  controlPlane: string;
  alerting: string;
  exporters: string;
  /** host:port of TLS endpoints probed through the exporters' /probe. */
  certificates: string[];
}

/**
 * scrapeConfig is prometheus/prometheus.yml with the addresses of a loopback stack and a 1 s
 * cadence: the same job names, the same multi-target relabelling, all of prometheus/rules/.
 */
export function scrapeConfig(t: ScrapeTargets, self: string): Record<string, unknown> {
  const rulesDir = join(PROJECT_ROOT, 'prometheus', 'rules');
  const job = (name: string, target: string) => ({ job_name: name, static_configs: [{ targets: [target] }] });
  return {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: readdirSync(rulesDir)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join(rulesDir, f)),
    alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [t.alerting] }] }] },
    scrape_configs: [
      job('prometheus', self),
      job('ingest', t.ingest),
      job('control-plane', t.controlPlane),
      job('alerting', t.alerting),
      job('exporters', t.exporters),
      {
        job_name: 'certificates',
        metrics_path: '/probe',
        params: { module: ['tls_insecure'] },
        static_configs: [{ targets: t.certificates }],
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: t.exporters },
        ],
      },
    ],
  };
}

export interface RunningPrometheus {
  url: string;
  process: RunningProcess;
  query(expr: string): Promise<{ status: string; error?: string; data?: { resultType: string; result: unknown[] } }>;
  stop(): Promise<void>;
}

/** startPrometheus runs the real Prometheus (Debian package) on a free loopback port. */
export async function startPrometheus(targets: ScrapeTargets): Promise<RunningPrometheus> {
  const port = await freePort();
  const self = `127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
  writeFileSync(join(dir, 'prometheus.yml'), stringify(scrapeConfig(targets, self)));
  const proc = startProcess(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${self}`,
    '--log.level=warn',
    // The first rule evaluation runs before the notifier has discovered the router, and an
    // alert "sent" to no one waits a full resend delay (1 m by default) for its next chance.
    '--rules.alert.resend-delay=2s',
  ]);
  const url = `http://${self}`;
  await waitFor(async () => {
    if (proc.proc.exitCode !== null) throw new Error(`prometheus exited: ${proc.output()}`);
    return (await fetch(`${url}/-/ready`)).ok;
  }, 60_000, 250);
  return {
    url,
    process: proc,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
      return (await res.json()) as Awaited<ReturnType<RunningPrometheus['query']>>;
    },
    async stop() {
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
