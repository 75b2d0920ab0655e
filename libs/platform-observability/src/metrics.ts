import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One registry per process. The API exposes it at /metrics (summed over its processes when API_PROCESSES > 1, see
 * cluster-metrics.ts); the worker pushes nothing.
 */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function collectProcessMetrics(app: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'marquee_' });
}

const httpRequestDuration = new Histogram({
  name: 'marquee_http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

const KNOWN_ROUTES = ['/graphql', '/metrics', '/health/live', '/health/ready', '/api/imports', '/studio'];

export function httpMetricsMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const end = httpRequestDuration.startTimer();
  // Read now: Express rewrites req.url for mounted routers later on.
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  res.on('finish', () => {
    // Label by a known prefix only, so arbitrary paths cannot blow up the series count.
    const route = KNOWN_ROUTES.find((r) => path === r || path.startsWith(r + '/')) ?? 'other';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
}
