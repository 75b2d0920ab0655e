import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '@marquee/platform-config';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'off';

/**
 * Who may read /metrics. With METRICS_TOKEN set: only a request bearing it. Without: everyone outside production
 * (a local install), nobody in production, where the endpoint answers 404 until a token is configured.
 */
export function metricsAccess(config: Pick<AppConfig, 'metricsToken' | 'nodeEnv'>, authorization: string | undefined): MetricsAccess {
  if (!config.metricsToken) return config.nodeEnv === 'production' ? 'off' : 'allowed';
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(config.metricsToken);
  return a.length === b.length && timingSafeEqual(a, b) ? 'allowed' : 'unauthorized';
}
