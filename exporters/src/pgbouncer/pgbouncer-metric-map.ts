import type { MetricType } from '../metric-sink';

/**
 * ColumnMetric maps one admin-console column to a metric, as pgbouncer_exporter's
 * `metricMaps` does. `columns` lists the column's spellings across PgBouncer versions (the
 * first present wins); `factor` converts units (µs → s).
 */
export interface ColumnMetric {
  columns: string[];
  name: string;
  type: MetricType;
  help: string;
  factor?: number;
}

/** RowQuery is one `SHOW …` whose rows become labelled series. */
export interface RowQuery {
  command: string;
  labels: string[];
  metrics: ColumnMetric[];
}

const US = 1e-6;

const STATS_HELP = {
  queries: 'Total number of SQL queries pooled',
  queryTime: 'Total number of seconds spent by pgbouncer when actively connected to PostgreSQL, executing queries',
  received: 'Total volume in bytes of network traffic received by pgbouncer, shown as bytes',
  sent: 'Total volume in bytes of network traffic sent by pgbouncer, shown as bytes',
  wait: 'Time spent by clients waiting for a server in seconds',
  xacts: 'Total number of SQL transactions pooled',
  xactTime:
    'Total number of seconds spent by pgbouncer when connected to PostgreSQL in a transaction, either idle in transaction or executing queries',
};

/** statsMetrics builds one stats family: `SHOW STATS` (total_*) or `SHOW STATS_TOTALS` (bare names). */
function statsMetrics(prefix: string, column: (bare: string, old: string) => string[]): ColumnMetric[] {
  const counter = (name: string, cols: string[], help: string, factor?: number): ColumnMetric => ({
    columns: cols,
    name: `${prefix}_${name}`,
    type: 'counter',
    help,
    factor,
  });
  return [
    counter('queries_pooled_total', column('query_count', 'total_query_count'), STATS_HELP.queries),
    counter('queries_duration_seconds_total', column('query_time', 'total_query_time'), STATS_HELP.queryTime, US),
    counter('received_bytes_total', column('bytes_received', 'total_received'), STATS_HELP.received),
    counter('sent_bytes_total', column('bytes_sent', 'total_sent'), STATS_HELP.sent),
    counter('client_wait_seconds_total', column('wait_time', 'total_wait_time'), STATS_HELP.wait, US),
    counter('sql_transactions_pooled_total', column('xact_count', 'total_xact_count'), STATS_HELP.xacts),
    counter('server_in_transaction_seconds_total', column('xact_time', 'total_xact_time'), STATS_HELP.xactTime, US),
  ];
}

const pool = (column: string, name: string, help: string): ColumnMetric => ({
  columns: [column],
  name: `pgbouncer_pools_${name}`,
  type: 'gauge',
  help,
});

const database = (columns: string[], name: string, help: string): ColumnMetric => ({
  columns,
  name: `pgbouncer_databases_${name}`,
  type: 'gauge',
  help,
});

/** ROW_QUERIES are the labelled admin-console reads, in the order they run. */
export const ROW_QUERIES: RowQuery[] = [
  {
    // The family dashboards and the Grafana mixin query (exporter < 0.11).
    command: 'SHOW STATS',
    labels: ['database'],
    metrics: [
      ...statsMetrics('pgbouncer_stats', (_bare, old) => [old]),
      { columns: ['total_requests'], name: 'pgbouncer_stats_queries_total', type: 'counter', help: 'Total number of SQL requests pooled by pgbouncer, shown as requests' },
    ],
  },
  {
    // The family current upstream releases emit (exporter ≥ 0.11).
    command: 'SHOW STATS_TOTALS',
    labels: ['database'],
    metrics: [
      ...statsMetrics('pgbouncer_stats_totals', (bare) => [bare]),
      { columns: ['client_parse_count'], name: 'pgbouncer_stats_totals_client_parses_total', type: 'counter', help: 'Total number of prepared statements created by clients' },
      { columns: ['server_parse_count'], name: 'pgbouncer_stats_totals_server_parses_total', type: 'counter', help: 'Total number of prepared statements created by pgbouncer on a server' },
      { columns: ['bind_count'], name: 'pgbouncer_stats_totals_binds_total', type: 'counter', help: 'Total number of prepared statements readied for execution by clients and forwarded to postgres' },
      { columns: ['server_assignment_count'], name: 'pgbouncer_stats_totals_server_assignments_total', type: 'counter', help: 'Total number of times a server was assigned to a client' },
    ],
  },
  {
    command: 'SHOW POOLS',
    labels: ['database', 'user'],
    metrics: [
      pool('cl_active', 'client_active_connections', 'Client connections linked to server connection and able to process queries, shown as connection'),
      pool('cl_waiting', 'client_waiting_connections', 'Client connections waiting on a server connection, shown as connection'),
      pool('sv_active', 'server_active_connections', 'Server connections linked to a client connection, shown as connection'),
      pool('sv_idle', 'server_idle_connections', 'Server connections idle and ready for a client query, shown as connection'),
      pool('sv_used', 'server_used_connections', 'Server connections idle more than server_check_delay, needing server_check_query, shown as connection'),
      pool('sv_tested', 'server_testing_connections', 'Server connections currently running either server_reset_query or server_check_query, shown as connection'),
      pool('sv_login', 'server_login_connections', 'Server connections currently in the process of logging in, shown as connection'),
      pool('maxwait', 'client_maxwait_seconds', 'Age of oldest unserved client connection, shown as second'),
      pool('cl_active_cancel_req', 'client_active_cancel_connections', 'Client connections that have forwarded query cancellations to the server and are waiting for the server response'),
      pool('cl_waiting_cancel_req', 'client_waiting_cancel_connections', 'Client connections that have not forwarded query cancellations to the server yet'),
      pool('sv_active_cancel', 'server_active_cancel_connections', 'Server connections that are currently forwarding a cancel request'),
      pool('sv_being_canceled', 'server_being_canceled_connections', 'Servers that normal clients are currently sending cancellation requests for'),
    ],
  },
  {
    command: 'SHOW DATABASES',
    labels: ['name', 'host', 'port', 'database', 'force_user', 'pool_mode'],
    metrics: [
      database(['pool_size'], 'pool_size', 'Maximum number of server connections'),
      database(['reserve_pool', 'reserve_pool_size'], 'reserve_pool', 'Maximum number of additional connections for this database'),
      database(['max_connections'], 'max_connections', 'Maximum number of allowed connections for this database'),
      database(['current_connections'], 'current_connections', 'Current number of connections for this database'),
      database(['paused'], 'paused', '1 if this database is currently paused, else 0'),
      database(['disabled'], 'disabled', '1 if this database is currently disabled, else 0'),
    ],
  },
];

/** LIST_METRICS maps `SHOW LISTS` rows (list → items) to unlabelled gauges; dns_pending is not exported upstream. */
export const LIST_METRICS: Record<string, { name: string; help: string }> = {
  databases: { name: 'pgbouncer_databases', help: 'Count of databases' },
  users: { name: 'pgbouncer_users', help: 'Count of users' },
  pools: { name: 'pgbouncer_pools', help: 'Count of pools' },
  free_clients: { name: 'pgbouncer_free_clients', help: 'Count of free clients' },
  used_clients: { name: 'pgbouncer_used_clients', help: 'Count of used clients' },
  login_clients: { name: 'pgbouncer_login_clients', help: 'Count of clients in login state' },
  free_servers: { name: 'pgbouncer_free_servers', help: 'Count of free servers' },
  used_servers: { name: 'pgbouncer_used_servers', help: 'Count of used servers' },
  dns_names: { name: 'pgbouncer_cached_dns_names', help: 'Count of DNS names in the cache' },
  dns_zones: { name: 'pgbouncer_cached_dns_zones', help: 'Count of DNS zones in the cache' },
  dns_queries: { name: 'pgbouncer_in_flight_dns_queries', help: 'Count of in-flight DNS queries' },
};

/** CONFIG_METRICS maps `SHOW CONFIG` keys to unlabelled gauges. */
export const CONFIG_METRICS: Record<string, { name: string; help: string }> = {
  max_client_conn: { name: 'pgbouncer_config_max_client_connections', help: 'Config maximum number of client connections' },
  max_user_connections: { name: 'pgbouncer_config_max_user_connections', help: 'Config maximum number of server connections per user' },
};

export const CLIENT_CONNECTIONS = {
  name: 'pgbouncer_client_connections',
  help: 'Number of client connections, by database, user, application name and state',
  labels: ['database', 'user', 'application_name', 'state'],
};
