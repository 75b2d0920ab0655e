import { Foundation1764230400000 } from './1764230400000-Foundation';
import { LaunchWorkflow1795768819191 } from './1795768819191-LaunchWorkflow';
import { PlacementEngine1795772539634 } from './1795772539634-PlacementEngine';
import { ModelLifecycle1795773625319 } from './1795773625319-ModelLifecycle';
import { LeanerEventIndexes1795780000000 } from './1795780000000-LeanerEventIndexes';
import { DerivedItemState1795790000000 } from './1795790000000-DerivedItemState';
import { LoginLimits1796521277721 } from './1796521277721-LoginLimits';
import { SequentialContentTests1796600000000 } from './1796600000000-SequentialContentTests';
import { PersonFactors1796700000000 } from './1796700000000-PersonFactors';
import { TestSlotPlacements1796800000000 } from './1796800000000-TestSlotPlacements';
import { SurfaceTestPositions1796900000000 } from './1796900000000-SurfaceTestPositions';
import { EndedSessions1797000000000 } from './1797000000000-EndedSessions';
import { NfcEmails1797000000001 } from './1797000000001-NfcEmails';
import { PersonHistory1797100000000 } from './1797100000000-PersonHistory';
import { EventFingerprints1797200000000 } from './1797200000000-EventFingerprints';
import { TestPositionsWithinSlots1797300000000 } from './1797300000000-TestPositionsWithinSlots';
import { ImportUnchangedItems1797400000000 } from './1797400000000-ImportUnchangedItems';

/** Migrations run in this order. A new migration file must be added here (the schema drift test checks it). */
export const ALL_MIGRATIONS = [
  Foundation1764230400000,
  LaunchWorkflow1795768819191,
  PlacementEngine1795772539634,
  ModelLifecycle1795773625319,
  LeanerEventIndexes1795780000000,
  DerivedItemState1795790000000,
  LoginLimits1796521277721,
  SequentialContentTests1796600000000,
  PersonFactors1796700000000,
  TestSlotPlacements1796800000000,
  SurfaceTestPositions1796900000000,
  EndedSessions1797000000000,
  NfcEmails1797000000001,
  PersonHistory1797100000000,
  EventFingerprints1797200000000,
  TestPositionsWithinSlots1797300000000,
  ImportUnchangedItems1797400000000,
];
