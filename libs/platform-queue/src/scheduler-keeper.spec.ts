import { EventEmitter } from 'node:events';
import { JobName, QueueName } from './queues';
import { ScheduleSpec, SchedulerKeeper, SchedulerQueue } from './scheduler-keeper';

/** An in-memory stand-in for BullMQ's scheduler calls: this spec covers the keeper's decisions, not Redis. */
class FakeQueue {
  schedulers = new Map<string, { every?: number; pattern?: string; next: number }>();
  upserts: string[] = [];
  gate: Promise<void> = Promise.resolve();
  async getJobScheduler(id: string) {
    await this.gate;
    const s = this.schedulers.get(id);
    return s ? { key: id, name: id, ...s } : undefined;
  }
  async upsertJobScheduler(id: string, repeat: { every?: number; pattern?: string }) {
    this.upserts.push(id);
    this.schedulers.set(id, { ...repeat, next: Date.now() });
    return undefined;
  }
}

const SPECS: ScheduleSpec[] = [
  { queue: QueueName.Launches, id: 'reconcile-launches', repeat: { every: 1000 }, job: JobName.ReconcileLaunches },
  { queue: QueueName.Learning, id: 'learn', repeat: { every: 5000 }, job: JobName.Learn },
  { queue: QueueName.Training, id: 'train-all', repeat: { pattern: '0 3 * * *' }, job: JobName.TrainAll },
];

function setup() {
  const launches = new FakeQueue();
  const learning = new FakeQueue();
  const training = new FakeQueue();
  const other = new FakeQueue();
  const queues = { assets: other, imports: other, webhooks: other, launches, learning, training } as unknown as Record<QueueName, SchedulerQueue>;
  const warnings: string[] = [];
  const keeper = new SchedulerKeeper(queues, SPECS, { log: () => undefined, warn: (m) => warnings.push(m) });
  return { keeper, launches, learning, training, warnings };
}

describe('SchedulerKeeper', () => {
  afterEach(() => jest.useRealTimers());

  it('re-creates only the missing schedulers and leaves existing ones (and their next run) alone', async () => {
    const { keeper, launches, learning, training, warnings } = setup();
    await keeper.upsertAll();
    const learnBefore = learning.schedulers.get('learn');
    launches.schedulers.clear(); // as after a FLUSHALL of that queue's keys
    training.schedulers.clear();
    launches.upserts = [];
    learning.upserts = [];
    training.upserts = [];
    expect(await keeper.healMissing('test')).toEqual(['reconcile-launches', 'train-all']);
    expect(launches.upserts).toEqual(['reconcile-launches']);
    expect(training.upserts).toEqual(['train-all']);
    expect(learning.upserts).toEqual([]);
    expect(learning.schedulers.get('learn')).toBe(learnBefore);
    expect(warnings.join('\n')).toMatch(/reconcile-launches, train-all were missing from Redis \(test\); re-created them/);
    expect(await keeper.healMissing('again')).toEqual([]);
  });

  it('checks on every interval, from its own timer', async () => {
    jest.useFakeTimers();
    const { keeper, launches } = setup();
    keeper.watch(new EventEmitter(), 1000);
    await jest.advanceTimersByTimeAsync(999);
    expect(launches.upserts).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(launches.upserts).toEqual(['reconcile-launches']);
    launches.schedulers.clear();
    await jest.advanceTimersByTimeAsync(1000);
    expect(launches.upserts).toEqual(['reconcile-launches', 'reconcile-launches']);
    keeper.stop();
    launches.schedulers.clear();
    await jest.advanceTimersByTimeAsync(5000);
    expect(launches.upserts).toHaveLength(2);
  });

  it('checks when Redis is ready again after a lost connection, not on the first ready', async () => {
    const { keeper, launches } = setup();
    const redis = new EventEmitter();
    keeper.watch(redis, 60000);
    redis.emit('ready');
    await new Promise((r) => setImmediate(r));
    expect(launches.upserts).toEqual([]);
    redis.emit('close');
    redis.emit('ready');
    await new Promise((r) => setImmediate(r));
    expect(launches.upserts).toEqual(['reconcile-launches']);
    keeper.stop();
  });

  it('never runs two checks at once: a second call joins the first', async () => {
    const { keeper, launches } = setup();
    let open!: () => void;
    launches.gate = new Promise((r) => (open = r));
    const a = keeper.healMissing('a');
    const b = keeper.healMissing('b');
    expect(b).toBe(a);
    open();
    expect(await a).toEqual(['reconcile-launches', 'learn', 'train-all']);
    expect(launches.upserts).toEqual(['reconcile-launches']);
  });

  it('reports a Redis error and tries again at the next check', async () => {
    const { keeper, launches, warnings } = setup();
    launches.gate = Promise.reject(new Error('Connection is closed.'));
    launches.gate.catch(() => undefined);
    expect(await keeper.healMissing('periodic check')).toEqual([]);
    expect(warnings[0]).toMatch(/Could not check the job schedulers \(periodic check\): Connection is closed\. Trying again/);
    launches.gate = Promise.resolve();
    expect(await keeper.healMissing('periodic check')).toContain('reconcile-launches');
  });
});
