import { Injectable } from '@nestjs/common';
import { EngineStore } from '../runtime/engine-store';
import { defaultQuota } from '../engine';
import { SurfaceEntity } from './surface.entity';

/** Exposures a control needs before its success rate is shown or sizes a test quota. */
const MIN_CONTROL_EXPOSURE = 100;

/** Figures about a surface read from its engine state: the control's success rate and the test quota it implies. */
@Injectable()
export class SurfaceStatsService {
  constructor(private readonly store: EngineStore) {}

  /** The control's success rate per examined impression, or null below 100 exposures. */
  async successRate(surface: SurfaceEntity): Promise<number | null> {
    const c = (await this.store.load(surface.key)).control;
    return c.exposure >= MIN_CONTROL_EXPOSURE ? c.successes / c.exposure : null;
  }

  /** The surface's own testQuota, else one sized for its success rate (10% while unknown). */
  async effectiveTestQuota(surface: SurfaceEntity): Promise<number> {
    if (surface.testQuota) return surface.testQuota;
    return defaultQuota((await this.successRate(surface)) ?? 0.1);
  }
}
