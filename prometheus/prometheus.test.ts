import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../platform/paths';

/**
 * The rules are code: promtool validates the config and rules and runs the unit tests,
 * and every alert must link a runbook section that exists and be unit-tested both firing
 * and staying quiet. Runs the Debian `promtool` that CI installs.
 */
const run = promisify(execFile);
const DIR = join(PROJECT_ROOT, 'prometheus');
const RUNBOOKS = join(PROJECT_ROOT, 'docs', 'runbooks');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[];
}

const ruleFiles = readdirSync(join(DIR, 'rules')).filter((f) => f.endsWith('.yml'));
const testFiles = readdirSync(join(DIR, 'tests')).filter((f) => f.endsWith('.test.yml'));
const alerts: Rule[] = ruleFiles.flatMap((f) =>
  (parse(readFileSync(join(DIR, 'rules', f), 'utf8')).groups as { rules: Rule[] }[]).flatMap((g) => g.rules.filter((r) => r.alert)),
);
const alertTests: AlertTest[] = testFiles.flatMap((f) =>
  (parse(readFileSync(join(DIR, 'tests', f), 'utf8')).tests as { alert_rule_test?: AlertTest[] }[]).flatMap((t) => t.alert_rule_test ?? []),
);

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  return new Set(
    markdown
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')),
  );
}

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: DIR });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

describe('prometheus configuration', () => {
  test('promtool check config accepts prometheus.yml and the rule files it loads', async () => {
    const out = await promtool('check', 'config', 'prometheus.yml');
    expect(out).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  test('promtool check rules accepts every rule file', async () => {
    const out = await promtool('check', 'rules', ...ruleFiles.map((f) => join('rules', f)));
    expect(out.match(/SUCCESS/g)).toHaveLength(ruleFiles.length);
  });

  test('promtool test rules passes every unit test file', async () => {
    const out = await promtool('test', 'rules', ...testFiles.map((f) => join('tests', f)));
    expect(out.match(/SUCCESS/g)).toHaveLength(testFiles.length);
    expect(out).not.toContain('FAILED');
  });

  test('the scrape config covers every role, the certificate probes and the router', () => {
    const config = parse(readFileSync(join(DIR, 'prometheus.yml'), 'utf8'));
    const jobs = (config.scrape_configs as { job_name: string }[]).map((j) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['ingest', 'control-plane', 'alerting', 'exporters', 'certificates']));
    const probe = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'certificates');
    expect(probe.metrics_path).toBe('/probe');
    expect(probe.relabel_configs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source_labels: ['__address__'], target_label: '__param_target' }),
        expect.objectContaining({ target_label: '__address__', replacement: 'exporters:9127' }),
      ]),
    );
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alerting:9093']);
  });
});

describe('alert rules', () => {
  test('there are alerts for every concern of issue 8', () => {
    const names = alerts.map((a) => a.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'FreshtrackServiceDown',
        'PrometheusTargetDown',
        'Watchdog',
        'ErrorBudgetBurnFast',
        'LatencyBudgetBurnFast',
        'IngestRejectionsHigh',
        'IngestOutboxBacklog',
        'SensorsOfflineInBulk',
        'PgBouncerClientsWaiting',
        'PgBouncerPoolSaturationCritical',
        'PgBackupTooOld',
        'PgBackupFailed',
        'PgBackupRestoreTestStale',
        'CertificateRenewalOverdue',
        'CertificateExpiresIn7Days',
        'CertificateExpiresIn3Days',
        'CertificateExpired',
        'AlertRouterNotificationsFailing',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(alerts.map((a) => [a.alert!, a] as const))('%s links an existing runbook section', (_name, rule) => {
    const url = rule.annotations?.runbook_url ?? '';
    const m = url.match(/\/docs\/runbooks\/([\w-]+\.md)#([\w-]+)$/);
    expect(m).not.toBeNull();
    const file = join(RUNBOOKS, m![1]);
    expect(existsSync(file)).toBe(true);
    expect([...anchors(readFileSync(file, 'utf8'))]).toContain(m![2]);
    expect(rule.labels?.severity).toMatch(/^(critical|warning|none)$/);
    expect(rule.annotations?.summary).toBeTruthy();
  });

  test.each(alerts.map((a) => [a.alert!] as const))('%s has promtool tests where it fires and where it does not', (name) => {
    const cases = alertTests.filter((t) => t.alertname === name);
    expect(cases.some((t) => (t.exp_alerts ?? []).length > 0)).toBe(true);
    // The watchdog always fires by design: its absence is detected outside Prometheus.
    if (name !== 'Watchdog') expect(cases.some((t) => (t.exp_alerts ?? []).length === 0)).toBe(true);
  });
});
