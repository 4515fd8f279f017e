import { trace, isSpanContextValid } from '@opentelemetry/api';
import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  'apiKey',
  'deviceKey',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.apiKey',
  '*.deviceKey',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * traceMixin stamps every line with the active OpenTelemetry trace and span ids, unless the
 * logger is already bound to them (per-request loggers bind the server span's ids).
 */
function traceMixin(_merge: object, _level: number, logger: Logger): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  if ('trace_id' in logger.bindings()) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

export interface LoggerOptions {
  level?: string;
  service?: string;
  destination?: DestinationStream;
}

/** createRootLogger builds the process logger: JSON lines, ISO timestamps, trace ids. */
export function createRootLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: opts.service ?? process.env.OTEL_SERVICE_NAME ?? 'freshtrack' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceMixin,
    },
    opts.destination,
  );
}

let root: Logger | undefined;

/** rootLogger is the lazily created process-wide logger that components derive from. */
export function rootLogger(): Logger {
  root ??= createRootLogger();
  return root;
}

/** setRootLogger replaces the process logger (the CLI sets level and service name once). */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** createLogger returns a child logger for one component. */
export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}
