/** APPEND_LOG_ROW appends one write's alerts (compact JSON, see PgAlertStore) to the log. */
export const APPEND_LOG_ROW = 'INSERT INTO router_alert_log (alerts) VALUES ($1::json)';

/** What the main thread sends the log's writer thread: a row to append, or the end. */
export type LogWriterRequest = { id: number; row: string; close?: undefined } | { close: true };

/** The writer thread's answer to row `id` (0: its first connection): committed, or the error that prevented it. */
export interface LogWriterReply {
  id: number;
  error?: { message: string; code?: string };
}
