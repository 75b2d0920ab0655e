/**
 * What a worker does with a launch job it was handed. Pure, so the "never early, never twice" property can be tested
 * over random deliveries with a fake clock; the executor applies exactly this under a row lock.
 */
export interface ReleaseSnapshot {
  status: string;
  scheduledAt: Date | null;
  scheduleRevision: number;
}

export type LaunchDecision = { action: 'launch' } | { action: 'wait'; delayMs: number } | { action: 'skip'; reason: string };

export function decideLaunch(release: ReleaseSnapshot, jobRevision: number, now: Date): LaunchDecision {
  if (release.status !== 'scheduled') return { action: 'skip', reason: `release is ${release.status}` };
  if (jobRevision !== release.scheduleRevision)
    return { action: 'skip', reason: `job is for schedule revision ${jobRevision}, the release is at ${release.scheduleRevision}` };
  if (!release.scheduledAt) return { action: 'skip', reason: 'release has no instant' };
  const early = release.scheduledAt.getTime() - now.getTime();
  if (early > 0) return { action: 'wait', delayMs: early };
  return { action: 'launch' };
}
