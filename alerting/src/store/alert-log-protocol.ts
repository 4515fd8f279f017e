/** APPEND_LOG_ROW appends one write's alerts, a JSON array of LogAlert, to the log. */
export const APPEND_LOG_ROW = 'INSERT INTO router_alert_log (alerts) VALUES ($1::json)';

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

/**
 * What the main thread sends the log's writer thread: one write's row, already serialised
 * (JSON.stringify costs the main thread about what a structured clone of the objects does,
 * and a string reaches the thread as a copy instead of being rebuilt object by object), or
 * the end.
 */
export type LogWriterRequest = { id: number; row: string; close?: undefined } | { close: true };

/** The writer thread's answer to write `id` (0: its connections at start): committed, or the error that prevented it. */
export interface LogWriterReply {
  id: number;
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
