import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../platform/paths';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../test/helpers/processes';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** Loopback addresses standing in for the compose service addresses of prometheus.yml. */
export interface ScrapeTargets {
  /** compose address (e.g. `ingest:8081`) → loopback address of the same service. */
  services: Record<string, string>;
  /** host:port of TLS endpoints probed through the exporters' /probe (the file_sd targets). */
  certificates: string[];
  /**
   * Directory standing in for prometheus/ when resolving rule_files (it holds a `rules/` copy
   * a test adjusted); the shipped prometheus/ when absent.
   */
  ruleBaseDir?: string;
}

/**
 * loopbackConfig is the shipped prometheus/prometheus.yml with every compose address replaced
 * by its loopback stand-in, the certificate file_sd replaced by the test's endpoints, the rule
 * glob made absolute, a 1 s cadence, and the jobs of services that are not running dropped.
 * Everything else — job names, paths, params, relabelling, the router — is the shipped file.
 */
export function loopbackConfig(t: ScrapeTargets): Record<string, unknown> {
  const dir = join(PROJECT_ROOT, 'prometheus');
  const shipped = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string') return t.services[value] ?? value;
    if (Array.isArray(value)) return value.map(swap);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  const config = swap(shipped) as {
    global: Record<string, unknown>;
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; file_sd_configs?: unknown }[];
  };
  config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((f) => join(t.ruleBaseDir ?? dir, f));
  const running = new Set(Object.values(t.services));
  config.scrape_configs = config.scrape_configs.flatMap((job) => {
    if (job.file_sd_configs) {
      const { file_sd_configs: _sd, ...rest } = job;
      return [{ ...rest, static_configs: [{ targets: t.certificates }] }];
    }
    const targets = (job.static_configs ?? []).flatMap((s) => s.targets);
    return targets.every((target) => running.has(target)) ? [job] : [];
  });
  return config;
}

/**
 * ruleMetricNames lists the metric names the shipped rules read: each expression with its
 * strings, label matchers, ranges and by/without/on(...) clauses removed, minus functions
 * (followed by "(") and operators. A rule on a misspelt metric evaluates to nothing, silently;
 * the end-to-end suite checks every name has series in the running stack.
 */
export function ruleMetricNames(): string[] {
  const dir = join(PROJECT_ROOT, 'prometheus', 'rules');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    const groups = parse(readFileSync(join(dir, file), 'utf8')).groups as { rules: { expr: string }[] }[];
    for (const rule of groups.flatMap((g) => g.rules)) {
      const bare = rule.expr
        .replace(/"[^"]*"/g, '')
        .replace(/\{[^}]*\}/g, '')
        .replace(/\[[^\]]*\]/g, '')
        .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
      for (const m of bare.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g)) {
        if (!m[2] && !['and', 'or', 'unless', 'bool', 'offset'].includes(m[1])) names.add(m[1]);
      }
    }
  }
  return [...names].sort();
}

export interface RunningPrometheus {
  url: string;
  process: RunningProcess;
  query(expr: string): Promise<{ status: string; error?: string; data?: { resultType: string; result: unknown[] } }>;
  stop(): Promise<void>;
}

/** startPrometheus runs the real Prometheus (Debian package) on a free loopback port. */
export async function startPrometheus(targets: ScrapeTargets): Promise<RunningPrometheus> {
  // freePort() releases its port before Prometheus binds it; on a busy machine another socket
  // can take it in between, so start again on a fresh port when that happens.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(targets);
    if (started) return started;
    if (attempt >= 3) throw new Error('prometheus: no free port after 3 attempts');
  }
}

async function startOnce(targets: ScrapeTargets): Promise<RunningPrometheus | undefined> {
  const port = await freePort();
  const self = `127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
  const config = loopbackConfig({ ...targets, services: { ...targets.services, 'localhost:9090': self } });
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
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
  const state = await waitFor(async () => (proc.proc.exitCode !== null ? 'exited' : (await fetch(`${url}/-/ready`)).ok && 'ready'), 60_000, 250);
  if (state === 'exited') {
    rmSync(dir, { recursive: true, force: true });
    if (/address already in use/.test(proc.output())) return undefined;
    throw new Error(`prometheus exited: ${proc.output()}`);
  }
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
