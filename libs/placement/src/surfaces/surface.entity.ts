import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface CandidateRule {
  kinds: string[];
  topics: string[];
  collections: string[];
}

export interface SurfaceDiversityRule {
  /** At most this many items of one kind within the first `firstN` slots (null: no limit). */
  maxPerKind: number | null;
  maxPerTopic: number | null;
  firstN: number;
}

export const SUCCESS_EVENTS = ['OPEN', 'PLAY_START', 'COMPLETE'] as const;
export type SuccessEvent = (typeof SUCCESS_EVENTS)[number];

/** A place in a client app that shows an ordered list (home feed, sleep tab…), and how the engine fills it. */
@Entity('surfaces')
@Check('ck_surfaces_budget', `"exploration_budget" >= 0 AND "exploration_budget" <= 0.5 AND "random_floor" >= 0 AND "random_floor" <= "exploration_budget"`)
@Check('ck_surfaces_test_positions', `"test_max_position" >= 2 AND "test_max_position" <= 100`)
export class SurfaceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_surfaces_key', { unique: true })
  @Column('text')
  key: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('int')
  slots: number;

  @Column('jsonb', { default: () => `'{"kinds": [], "topics": [], "collections": []}'` })
  candidateRule: CandidateRule;

  @Column('text', { default: 'PLAY_START' })
  successEvent: SuccessEvent;

  @Column('real', { default: 0.1 })
  explorationBudget: number;

  @Column('real', { default: 0.02 })
  randomFloor: number;

  /** Impressions per content test; null sizes it for ±30% precision at the surface's current success rate. */
  @Column('int', { nullable: true })
  testQuota: number | null;

  @Column('int', { default: 14 })
  testMaxDays: number;

  /**
   * Content-test slots go to positions 2..testMaxPosition (never position 1), and a test's control counts floor slots
   * at the same positions. Default DEFAULT_TEST_MAX_POSITION (5): a test learns from looks, and lower positions are
   * seldom looked at (docs/placement-engine.md §6a).
   */
  @Column('int', { default: 5 })
  testMaxPosition: number;

  @Column('jsonb', { default: () => `'{"firstN": 5, "maxPerKind": null, "maxPerTopic": null}'` })
  diversity: SurfaceDiversityRule;

  /** Item ids in the editorial order that serves when the engine cannot answer. */
  @Column('uuid', { array: true, default: () => "'{}'" })
  fallbackOrder: string[];

  @Column('boolean', { default: true })
  enabled: boolean;

  /**
   * The surface's baseline, chosen when it is created: items live at or before this moment are its established
   * catalogue; items that go live after it enter content tests here. Null = the surface's creation time.
   */
  @Column('timestamptz', { nullable: true })
  testsLaunchedAfter: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** An item held at a position for a time window. */
@Entity('surface_pins')
@Index('idx_surface_pins_surface', ['surfaceId', 'startsAt'])
export class SurfacePinEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  surfaceId: string;

  @Column('uuid')
  itemId: string;

  @Column('int')
  position: number;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz', { nullable: true })
  endsAt: Date | null;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
