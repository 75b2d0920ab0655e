import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Allow, Who } from '@marquee/platform-auth';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { REDIS } from '@marquee/platform-queue';
import { MetricsUnavailableError, exposedMetrics } from '@marquee/platform-observability';
import { metricsAccess } from './metrics-access';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health/live')
  @Allow(...Who.anyone)
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Allow(...Who.anyone)
  async ready(@Res() res: Response) {
    const check = async (name: string, fn: () => Promise<unknown>) => {
      const started = Date.now();
      try {
        await withTimeout(fn(), 2000);
        return { name, ok: true, latencyMs: Date.now() - started };
      } catch (e) {
        return { name, ok: false, error: (e as Error).message, latencyMs: Date.now() - started };
      }
    };
    const checks = await Promise.all([check('postgres', () => this.db.query('SELECT 1')), check('redis', () => this.redis.ping())]);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ready' : 'not ready',
      checks,
      ...(ok ? {} : { hint: 'A dependency is down; this process will keep retrying. Check the failing service and its URL (DATABASE_URL, REDIS_URL).' }),
    });
  }

  @Get('metrics')
  @Allow(...Who.anyone)
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const access = metricsAccess(this.config, authorization);
    if (access === 'off') {
      return res
        .status(404)
        .type('text/plain')
        .send('Metrics are off in production until METRICS_TOKEN is set; then send it as "Authorization: Bearer <token>".\n');
    }
    if (access === 'unauthorized') {
      return res
        .status(401)
        .set('www-authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('Send METRICS_TOKEN as "Authorization: Bearer <token>" to read metrics.\n');
    }
    let text: string;
    try {
      text = await exposedMetrics();
    } catch (e) {
      if (e instanceof MetricsUnavailableError) return res.status(503).type('text/plain').send(`${e.message}\n`);
      throw e;
    }
    res.status(200).type('text/plain; version=0.0.4').send(text);
  }
}
