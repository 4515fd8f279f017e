import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../platform/paths';

/** The subset of Grafana's dashboard JSON model the tests read. */
export interface DatasourceRef {
  type: string;
  uid: string;
}
export interface Target {
  refId: string;
  expr?: string;
  /** The SQL of a PostgreSQL target (`rawQuery`: Grafana's code editor). */
  rawSql?: string;
  format?: 'time_series' | 'table';
  legendFormat?: string;
  datasource?: DatasourceRef;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  panels?: Panel[];
}
export interface Variable {
  name: string;
  type: string;
  datasource?: DatasourceRef;
  query?: { query: string } | string;
  multi?: boolean;
  includeAll?: boolean;
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export const DASHBOARD_DIR = join(PROJECT_ROOT, 'grafana', 'dashboards');
/**
 * Dashboards on the PostgreSQL datasource (recorded values, not metrics). A folder of their
 * own because their variables are SQL, not `label_values()`, and the live-Prometheus test
 * resolves every variable of the top-level dashboards through Prometheus. Grafana's file
 * provider walks subfolders, so they load all the same.
 */
export const SQL_DASHBOARD_DIR = join(DASHBOARD_DIR, 'records');
/** Grafana 11's plugin id for PostgreSQL, and the provisioned datasource's uid. */
export const POSTGRES_DATASOURCE: DatasourceRef = { type: 'grafana-postgresql-datasource', uid: 'freshtrack-postgres' };

/** loadDashboards reads the JSON files directly in `dir` (not its subfolders). */
export function loadDashboards(dir = DASHBOARD_DIR): { file: string; dashboard: Dashboard }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Every panel, including those nested in collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  /** Labels the legend shows (`{{label}}`); each must exist on the query's series. */
  legendLabels: string[];
}

/**
 * panelQueries lists each panel target with the datasource it runs on (its own, else the
 * panel's); `expr` is the PromQL, or the SQL of a PostgreSQL target.
 */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      dashboard: dashboard.uid,
      panel: panel.title,
      refId: t.refId,
      datasource: (t.datasource ?? panel.datasource)!,
      expr: t.expr ?? t.rawSql ?? '',
      legendLabels: [...(t.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]),
    })),
  );
}

/** variableQueryText returns a query variable's query, whichever way the dashboard stores it. */
export function variableQueryText(variable: Variable): string {
  return typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
}

/** variableQuery returns a query variable's `label_values(metric, label)` parts. */
export function labelValuesQuery(variable: Variable): { metric: string; label: string } {
  const query = variableQueryText(variable);
  const m = query.match(/^label_values\(\s*([^,]+?)\s*,\s*(\w+)\s*\)$/);
  if (!m) throw new Error(`variable ${variable.name}: only label_values(metric, label) queries are used, got "${query}"`);
  return { metric: m[1], label: m[2] };
}

/** Variables a query refers to, as `$name` or `${name}`. Grafana's own `$__…` are excluded. */
export function referencedVariables(expr: string): string[] {
  return [...expr.matchAll(/\$\{?([A-Za-z]\w*)\}?/g)].map((m) => m[1]);
}

/** substitute replaces `$name` / `${name}` with a concrete value, as Grafana does before querying. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{?([A-Za-z]\w*)\}?/g, (_whole, name: string) => {
    if (!(name in values)) throw new Error(`no value for variable $${name} in ${expr}`);
    return values[name];
  });
}
