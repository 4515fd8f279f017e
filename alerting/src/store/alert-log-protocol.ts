/**
 * LogAlert is an alert as the log stores it: router_alerts' columns with one-letter keys
 * and times in Unix milliseconds (PgAlertStore reads them back).
 */
export interface LogAlert {
  f: string;
  l: Record<string, string>;
  a: Record<string, string>;
  s: number;
  e: number;
  g: string;
  u: number;
  t: boolean;
}

/** LoggedRequest is a POST of alerts as the router accepted it: decoding it again gives the alerts it stored. */
export interface LoggedRequest {
  /** The body as posted. */
  body: string;
  version: 'v1' | 'v2';
  /** When it was accepted, Unix ms: the `now` of its defaults and of its merges with stored alerts. */
  receivedAt: number;
  /** resolve_timeout when it was accepted: defaulted endsAt is receivedAt plus this. */
  resolveTimeoutMs: number;
}

/**
 * LogRow is one row of router_alert_log: a request as posted, or alerts as the store holds
 * them (a JSON array of LogAlert, for alerts the router makes itself).
 */
export type LogRow = { request: LoggedRequest; alerts?: undefined } | { alerts: string; request?: undefined };

/** appendLogRows is the statement appending `rows` in one insert, returning their ids (which follow their order). */
export function appendLogRows(rows: readonly LogRow[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const r of rows) {
    const p = values.length;
    tuples.push(`($${p + 1}::json, $${p + 2}, $${p + 3}, $${p + 4}::timestamptz, $${p + 5})`);
    if (r.request) values.push(null, r.request.body, r.request.version, new Date(r.request.receivedAt).toISOString(), r.request.resolveTimeoutMs);
    else values.push(r.alerts, null, null, null, null);
  }
  return { text: `INSERT INTO router_alert_log (alerts, request, api_version, received_at, resolve_timeout_ms) VALUES ${tuples.join(', ')} RETURNING id`, values };
}

/**
 * What the main thread sends the log's writer thread: one write's rows (a request's body is
 * the string it arrived as; alerts the main thread serialised: a string reaches the thread as
 * a copy instead of being rebuilt object by object), or the end.
 */
export type LogWriterRequest = { id: number; rows: LogRow[]; close?: undefined } | { close: true };

/** The writer thread's answer to write `id` (0: its connections at start): committed (the rows' ids), or the error that prevented it. */
export interface LogWriterReply {
  id: number;
  rowIds?: string[];
  error?: { message: string; code?: string };
}

/** What the writer thread is started with: its connections' settings and how many it keeps. */
export interface LogWriterSetup {
  client: {
    connectionString?: string;
    application_name?: string;
    statement_timeout?: number | false;
    connectionTimeoutMillis?: number;
  };
  connections: number;
}
