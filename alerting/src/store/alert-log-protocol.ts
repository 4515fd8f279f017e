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
 * What the main thread sends the log's writer thread: one write's alerts, or the end. The
 * alerts go as objects, serialised by the thread: structured clone of the objects costs the
 * sending thread about a quarter of what JSON.stringify plus posting the (large) string does.
 */
export type LogWriterRequest = { id: number; alerts: LogAlert[]; close?: undefined } | { close: true };

/** The writer thread's answer to write `id` (0: its first connection): committed, or the error that prevented it. */
export interface LogWriterReply {
  id: number;
  error?: { message: string; code?: string };
}
