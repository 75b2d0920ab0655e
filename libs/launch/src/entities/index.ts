import { ReleaseActionEntity } from './release-action.entity';
import { ReleaseEventEntity } from './release-event.entity';
import { ReleaseEntity } from './release.entity';
import { VersionReviewEntity } from './version-review.entity';
import { HeartbeatEntity } from './heartbeat.entity';

export * from './version-review.entity';
export * from './release.entity';
export * from './release-action.entity';
export * from './release-event.entity';
export * from './heartbeat.entity';

export const LAUNCH_ENTITIES = [VersionReviewEntity, ReleaseEntity, ReleaseActionEntity, ReleaseEventEntity, HeartbeatEntity];
