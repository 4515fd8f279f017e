/**
 * Loaded first by bin/freshtrack.js, before express or pg are required, so that the
 * auto-instrumentations can patch them. Traces are exported over OTLP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-specific variable) is set; otherwise spans are
 * still created, so log lines carry trace ids, but nothing is sent anywhere.
 */
import { startTracing } from './tracing';

startTracing();
