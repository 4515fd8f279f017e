/**
 * expandSqlMacros does what Grafana's SQL datasources do to a query before sending it to
 * PostgreSQL: it replaces the `$__…` macros for a given time range and interval. Tests use it
 * to run every dashboard's SQL against a real database, as Grafana would.
 * Only the macros the dashboards use are known; any other `$__` name is an error, so a new
 * macro in a dashboard cannot slip through the test unexpanded.
 */
export interface SqlMacroContext {
  from: Date;
  to: Date;
  intervalMs: number;
}

export function expandSqlMacros(sql: string, ctx: SqlMacroContext): string {
  const from = `'${ctx.from.toISOString()}'`;
  const to = `'${ctx.to.toISOString()}'`;
  const expanded = sql
    .replace(/\$__timeFilter\(\s*([^)]+?)\s*\)/g, (_m, col: string) => `${col} BETWEEN ${from} AND ${to}`)
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(/\$__interval_ms\b/g, String(ctx.intervalMs))
    .replace(/\$__interval\b/g, `${Math.max(1, Math.round(ctx.intervalMs / 1000))}s`);
  const unknown = expanded.match(/\$__\w+/);
  if (unknown) throw new Error(`unsupported Grafana macro ${unknown[0]} in: ${sql}`);
  return expanded;
}
