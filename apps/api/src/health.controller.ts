import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Allow, Who } from '@marquee/platform-auth';
import { REDIS } from '@marquee/platform-queue';
import { metricsRegistry } from '@marquee/platform-observability';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
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
  @HttpCode(200)
  @Header('content-type', 'text/plain; version=0.0.4')
  @Allow(...Who.anyone)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
