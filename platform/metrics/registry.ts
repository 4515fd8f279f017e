import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { RequestHandler } from 'express';

/** createMetricsRegistry returns a registry with the default Node.js process metrics. */
export function createMetricsRegistry(defaultLabels?: Record<string, string>): Registry {
  const registry = new Registry();
  if (defaultLabels) registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * httpMetrics records `http_request_duration_seconds{method,route,status_code}`. The route
 * label is the matched express route pattern (never the raw path, which would explode
 * cardinality); unmatched requests are labelled by a fixed placeholder.
 */
export function httpMetrics(registry: Registry, service: string): RequestHandler {
  const existing = registry.getSingleMetric('http_request_duration_seconds') as Histogram<string> | undefined;
  const histogram =
    existing ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served, by route and status code',
      labelNames: ['service', 'method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return (req, res, next) => {
    const end = histogram.startTimer({ service, method: req.method });
    res.on('finish', () => {
      const routePath = req.route?.path as string | undefined;
      const route = routePath ? `${req.baseUrl}${routePath}` : 'unmatched';
      end({ route, status_code: String(res.statusCode) });
    });
    next();
  };
}
