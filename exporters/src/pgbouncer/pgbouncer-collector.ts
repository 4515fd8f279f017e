import { Client, type QueryResult } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { MetricSink } from '../metric-sink';
import { CLIENT_CONNECTIONS, CONFIG_METRICS, LIST_METRICS, ROW_QUERIES, type RowQuery } from './pgbouncer-metric-map';

export interface PgBouncerCollectorOptions {
  /** The admin console, e.g. postgres://pgbouncer_exporter@pgbouncer:6432/pgbouncer. */
  connectionString: string;
  logger: Logger;
}

export interface ScrapeOutcome {
  up: boolean;
  errors: string[];
}

type Row = Record<string, unknown>;

/** cell renders a column as a label value: SQL NULL becomes "" as upstream does. */
function cell(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function numeric(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** emitRows turns the rows of one `SHOW …` into labelled series; a bad cell is a non-fatal error. */
export function emitRows(sink: MetricSink, query: RowQuery, result: Pick<QueryResult<Row>, 'rows' | 'fields'>): string[] {
  const errors: string[] = [];
  const present = new Set(result.fields.map((f) => f.name));
  for (const metric of query.metrics) {
    const column = metric.columns.find((c) => present.has(c));
    if (!column) continue;
    for (const row of result.rows) {
      const value = numeric(row[column]);
      if (value === undefined) {
        errors.push(`${query.command}: column ${column} is not numeric: ${cell(row[column])}`);
        continue;
      }
      const labels = Object.fromEntries(query.labels.map((l) => [l, cell(row[l])]));
      sink.set(metric.type, metric.name, metric.help, value * (metric.factor ?? 1), labels);
    }
  }
  return errors;
}

/**
 * PgBouncerCollector reads PgBouncer's admin console on every scrape over one connection
 * (the console speaks only the simple query protocol, which pg uses for parameterless
 * queries) and writes the community pgbouncer_exporter's metrics into the scrape's registry.
 * Nothing is cached, so a scrape never mixes two cycles.
 */
export class PgBouncerCollector {
  readonly name = 'pgbouncer';

  constructor(private readonly opts: PgBouncerCollectorOptions) {}

  async scrape(registry: Registry, timeoutMs: number): Promise<ScrapeOutcome> {
    const sink = new MetricSink(registry);
    const errors: string[] = [];
    let fatal = false;
    const client = new Client({
      connectionString: this.opts.connectionString,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: 'freshtrack-pgbouncer-exporter',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const run = async (command: string) => client.query<Row>(command);
      const version = await run('SHOW VERSION');
      sink.gauge('pgbouncer_version_info', 'The pgbouncer version info', 1, { version: cell(version.rows[0]?.version) });
      for (const query of ROW_QUERIES) {
        try {
          errors.push(...emitRows(sink, query, await run(query.command)));
        } catch (err) {
          fatal = true;
          errors.push(`${query.command}: ${(err as Error).message}`);
        }
      }
      for (const row of (await run('SHOW LISTS')).rows) {
        const metric = LIST_METRICS[cell(row.list)];
        const value = numeric(row.items);
        if (metric && value !== undefined) sink.gauge(metric.name, metric.help, value);
      }
      for (const row of (await run('SHOW CONFIG')).rows) {
        const metric = CONFIG_METRICS[cell(row.key)];
        const value = numeric(row.value);
        if (metric && value !== undefined) sink.gauge(metric.name, metric.help, value);
      }
      emitClientConnections(sink, (await run('SHOW CLIENTS')).rows);
    } catch (err) {
      fatal = true;
      errors.push((err as Error).message);
    } finally {
      // Like upstream's deferred `up`: whatever was read still goes out, up says whether all of it did.
      sink.gauge('pgbouncer_up', 'The pgbouncer scrape succeeded', fatal ? 0 : 1);
      await client.end().catch(() => undefined);
    }
    if (errors.length) this.opts.logger.warn({ errors }, 'pgbouncer scrape had errors');
    return { up: !fatal, errors };
  }
}

/** emitClientConnections counts `SHOW CLIENTS` rows per (database, user, application_name, state). */
function emitClientConnections(sink: MetricSink, rows: Row[]): void {
  const counts = new Map<string, { labels: Record<string, string>; n: number }>();
  for (const row of rows) {
    const labels = Object.fromEntries(CLIENT_CONNECTIONS.labels.map((l) => [l, cell(row[l])]));
    const key = JSON.stringify(labels);
    const entry = counts.get(key) ?? { labels, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  }
  for (const { labels, n } of counts.values()) sink.gauge(CLIENT_CONNECTIONS.name, CLIENT_CONNECTIONS.help, n, labels);
}
