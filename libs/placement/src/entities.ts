import {
  EngineSnapshotEntity,
  EngineStateEntity,
  LearnerWatermarkEntity,
  PersonFactorsEntity,
  PoolSnapshotEntity,
  UserProfileEntity,
} from './runtime/engine-state.entity';
import { SurfaceEntity, SurfacePinEntity } from './surfaces/surface.entity';
import { ContentTestEntity } from './tests/content-test.entity';

export * from './runtime/engine-state.entity';
export * from './surfaces/surface.entity';
export * from './tests/content-test.entity';

export const PLACEMENT_ENTITIES = [
  SurfaceEntity,
  SurfacePinEntity,
  EngineStateEntity,
  EngineSnapshotEntity,
  PoolSnapshotEntity,
  UserProfileEntity,
  PersonFactorsEntity,
  LearnerWatermarkEntity,
  ContentTestEntity,
];
