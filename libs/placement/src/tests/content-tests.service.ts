import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { rowByKey } from '@marquee/platform-api';
import { ItemEntity } from '@marquee/catalog';
import {
  ContentTestStatus,
  RateEstimate,
  SequentialEvidence,
  compareToControl,
  describeRule,
  sequentialEvidence,
  testQueue,
  toSequentialInput,
  windowControl,
  comparisonControl,
} from '../engine';
import { toContentTest } from '../runtime/engine-runtime';
import { EngineStore } from '../runtime/engine-store';
import { surfaceFilter } from '../surfaces/surface-lookup';
import { ContentTestEntity } from './content-test.entity';

/** A content test as Analytics reads it: the stored row, its live (or decided) comparison and its queue place. */
export interface ContentTestView extends ContentTestEntity {
  status: ContentTestStatus;
  evidence: Pick<SequentialEvidence, 'estimate' | 'lower' | 'upper' | 'alwaysValidP'> & {
    controlImpressions: number;
    controlExposure: number;
    controlSuccesses: number;
    comparisonControlImpressions: number | null;
  };
  rule: string;
  queuePosition: number | null;
  endsBy: Date;
  probBeatsControl: number;
  rate: RateEstimate;
  controlRate: RateEstimate;
  decisionReason: string | null;
}

/** The most tests one read returns: running ones first, then the newest decided. */
const MAX_TESTS = 500;

/** Reads content tests with their statistics against each surface's control (the use case behind `contentTests`). */
@Injectable()
export class ContentTestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
  ) {}

  async list(filter: { surface?: string | null; status?: ContentTestStatus | null }): Promise<ContentTestView[]> {
    const surface = await surfaceFilter(this.db, filter.surface);
    const qb = this.db.getRepository(ContentTestEntity).createQueryBuilder('t');
    if (surface !== null) qb.andWhere('t.surface_key = :surface', { surface });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    const tests = await qb.orderBy(`CASE WHEN t.status = 'RUNNING' THEN 0 ELSE 1 END`).addOrderBy('t.started_at', 'DESC').limit(MAX_TESTS).getMany();
    const controls = new Map<string, { impressions: number; exposure: number; successes: number }>();
    for (const key of new Set(tests.map((t) => t.surfaceKey))) controls.set(key, (await this.store.load(key)).control);
    const queues = await this.queues();
    return tests.map((t) => {
      const control = windowControl(controls.get(t.surfaceKey)!, t.controlAtStart ?? undefined);
      const comparison = comparisonControl(controls.get(t.surfaceKey)!, t.controlAtStart ?? undefined);
      const live = compareToControl(t, comparison);
      const d = t.decision;
      const seq = d?.sequential ?? sequentialEvidence(toSequentialInput(toContentTest(t)), control);
      const c = d?.control ?? control;
      return {
        ...t,
        status: t.status as ContentTestStatus,
        evidence: {
          estimate: seq.estimate,
          lower: seq.lower,
          upper: seq.upper,
          alwaysValidP: seq.alwaysValidP,
          controlImpressions: c.impressions,
          controlExposure: c.exposure,
          controlSuccesses: c.successes,
          comparisonControlImpressions: (d ? d.comparisonControl : comparison)?.impressions ?? null,
        },
        rule: d?.rule ?? describeRule(),
        queuePosition: t.status === 'RUNNING' ? (queues.get(t.surfaceKey)?.get(t.itemId) ?? null) : null,
        endsBy: new Date(t.startedAt.getTime() + t.maxDays * 86_400_000),
        probBeatsControl: d?.probBeatsControl ?? live.probBeatsControl,
        rate: d?.testRate ?? live.testRate,
        controlRate: d?.controlRate ?? live.controlRate,
        decisionReason: d?.reason ?? null,
      };
    });
  }

  /** The tested items, in the order asked for (for per-request batching). */
  async itemsInOrder(ids: readonly string[]): Promise<(ItemEntity | null)[]> {
    const rows = await this.db.getRepository(ItemEntity).find({ where: { id: In([...ids]) } });
    return rowByKey(ids, rows, (r) => r.id);
  }

  /** Each surface's test-slot queue, over all of its running tests (not only the ones a filtered read returns). */
  private async queues(): Promise<Map<string, Map<string, number>>> {
    const running = await this.db
      .getRepository(ContentTestEntity)
      .find({ where: { status: 'RUNNING' }, select: { itemId: true, surfaceKey: true, startedAt: true, status: true } });
    const queues = new Map<string, Map<string, number>>();
    for (const key of new Set(running.map((t) => t.surfaceKey))) {
      queues.set(
        key,
        testQueue(running.filter((t) => t.surfaceKey === key).map((t) => ({ itemId: t.itemId, startedAt: t.startedAt.getTime(), status: 'RUNNING' as const }))),
      );
    }
    return queues;
  }
}
