import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Surfaces and pins, engine state with snapshots for replay, user profiles, content tests, and the day-partitioned
 * logs: engagement events (deduplicated through engagement_event_ids), feed requests and placements. Partitioned
 * tables are plain SQL here because TypeORM cannot describe them; marquee_ensure_daily_partitions creates days ahead.
 */

export class PlacementEngine1795772539634 implements MigrationInterface {
  name = 'PlacementEngine1795772539634';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "engine_states" (
                "surface_key" text NOT NULL,
                "policy_version" text NOT NULL,
                "revision" bigint NOT NULL,
                "state" jsonb NOT NULL,
                "position_counts" jsonb NOT NULL,
                "control" jsonb NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_55d7b8c9996b8d9348aadda4ed2" PRIMARY KEY ("surface_key")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "engine_snapshots" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "surface_key" text NOT NULL,
                "revision" bigint NOT NULL,
                "state" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9e52665a20cdfa3e3ed269f7a65" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_engine_snapshots_created" ON "engine_snapshots" ("created_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_engine_snapshots_revision" ON "engine_snapshots" ("surface_key", "revision")
        `);
    await queryRunner.query(`
            CREATE TABLE "pool_snapshots" (
                "fingerprint" text NOT NULL,
                "surface_key" text NOT NULL,
                "candidates" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2f058080e88b7dcbced15eb242e" PRIMARY KEY ("fingerprint")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_pool_snapshots_created" ON "pool_snapshots" ("created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "user_profiles" (
                "user_id" text NOT NULL,
                "profile" jsonb NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6ca9503d77ae39b4b5a6cc3ba88" PRIMARY KEY ("user_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "learner_watermarks" (
                "name" text NOT NULL,
                "last_event_id" bigint NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b9a59546bdbe3a525953a33d2a8" PRIMARY KEY ("name")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "surfaces" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "key" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "slots" integer NOT NULL,
                "candidate_rule" jsonb NOT NULL DEFAULT '{"kinds": [], "topics": [], "collections": []}',
                "success_event" text NOT NULL DEFAULT 'PLAY_START',
                "exploration_budget" real NOT NULL DEFAULT '0.1',
                "random_floor" real NOT NULL DEFAULT '0.02',
                "test_quota" integer,
                "test_max_days" integer NOT NULL DEFAULT '14',
                "diversity" jsonb NOT NULL DEFAULT '{"firstN": 5, "maxPerKind": null, "maxPerTopic": null}',
                "fallback_order" uuid array NOT NULL DEFAULT '{}',
                "enabled" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_surfaces_budget" CHECK (
                    "exploration_budget" >= 0
                    AND "exploration_budget" <= 0.5
                    AND "random_floor" >= 0
                    AND "random_floor" <= "exploration_budget"
                ),
                CONSTRAINT "PK_a514f58678f05a70b2e5d6020e9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_surfaces_key" ON "surfaces" ("key")
        `);
    await queryRunner.query(`
            CREATE TABLE "surface_pins" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "surface_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ends_at" TIMESTAMP WITH TIME ZONE,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_42873c437e11996f21f4c7f7cb4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_surface_pins_surface" ON "surface_pins" ("surface_id", "starts_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "content_tests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "surface_key" text NOT NULL,
                "item_id" uuid NOT NULL,
                "status" text NOT NULL,
                "quota" integer NOT NULL,
                "max_days" integer NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "impressions" integer NOT NULL DEFAULT '0',
                "exposure" double precision NOT NULL DEFAULT '0',
                "successes" integer NOT NULL DEFAULT '0',
                "decision" jsonb,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c691345654e5eb5bd4891c056ce" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_content_tests_status" ON "content_tests" ("status", "surface_key")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_content_tests_surface_item" ON "content_tests" ("surface_key", "item_id")
        `);

    await queryRunner.query(`
            CREATE FUNCTION marquee_ensure_daily_partitions(tbl text, days_back int, days_ahead int) RETURNS int LANGUAGE plpgsql AS $$
            DECLARE d date; made int := 0; part text;
            BEGIN
              FOR d IN SELECT generate_series(current_date - days_back, current_date + days_ahead, interval '1 day')::date LOOP
                part := format('%s_%s', tbl, to_char(d, 'YYYYMMDD'));
                IF to_regclass(part) IS NULL THEN
                  BEGIN
                    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, tbl,
                      (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
                    made := made + 1;
                  EXCEPTION WHEN others THEN
                    -- Rows for that day already sit in the default partition; leave them there.
                    RAISE NOTICE 'partition % not created: %', part, SQLERRM;
                  END;
                END IF;
              END LOOP;
              RETURN made;
            END $$
        `);
    await queryRunner.query(`
            CREATE TABLE "engagement_event_ids" (
                "event_id" text PRIMARY KEY,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
            )
        `);
    await queryRunner.query(`CREATE INDEX "idx_engagement_event_ids_received" ON "engagement_event_ids" ("received_at")`);
    await queryRunner.query(`
            CREATE TABLE "engagement_events" (
                "id" bigint GENERATED ALWAYS AS IDENTITY,
                "event_id" text NOT NULL,
                "type" text NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "value" double precision,
                "request_id" text NOT NULL,
                "surface" text NOT NULL,
                "user_id" text NOT NULL,
                "item_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "propensity" double precision NOT NULL,
                "reason" text NOT NULL,
                "policy_version" text NOT NULL,
                "served_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "api_key_id" uuid,
                PRIMARY KEY ("id", "received_at")
            ) PARTITION BY RANGE ("received_at")
        `);
    await queryRunner.query(`CREATE TABLE "engagement_events_default" PARTITION OF "engagement_events" DEFAULT`);
    await queryRunner.query(`CREATE INDEX "idx_engagement_events_id" ON "engagement_events" ("id")`);
    await queryRunner.query(`CREATE INDEX "idx_engagement_events_request" ON "engagement_events" ("request_id", "item_id")`);
    await queryRunner.query(`CREATE INDEX "idx_engagement_events_item" ON "engagement_events" ("surface", "item_id", "received_at")`);
    await queryRunner.query(`
            CREATE TABLE "feed_requests" (
                "request_id" text NOT NULL,
                "served_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "surface" text NOT NULL,
                "user_id" text NOT NULL,
                "policy_version" text NOT NULL,
                "state_revision" bigint,
                "seed" bigint,
                "pool_fingerprint" text,
                "eligible_mask" bytea,
                "user_features" real[],
                "test_share" double precision,
                "context" jsonb,
                "fallback" boolean NOT NULL DEFAULT false,
                "latency_us" integer,
                "api_key_id" uuid,
                PRIMARY KEY ("request_id", "served_at")
            ) PARTITION BY RANGE ("served_at")
        `);
    await queryRunner.query(`CREATE TABLE "feed_requests_default" PARTITION OF "feed_requests" DEFAULT`);
    await queryRunner.query(`CREATE INDEX "idx_feed_requests_request" ON "feed_requests" ("request_id")`);
    await queryRunner.query(`CREATE INDEX "idx_feed_requests_surface" ON "feed_requests" ("surface", "served_at")`);
    await queryRunner.query(`
            CREATE TABLE "placements" (
                "request_id" text NOT NULL,
                "served_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "position" integer NOT NULL,
                "item_id" uuid NOT NULL,
                "reason" text NOT NULL,
                "propensity" double precision NOT NULL,
                "propensity_error" double precision NOT NULL DEFAULT 0,
                "surface" text NOT NULL,
                "user_id" text NOT NULL,
                "policy_version" text NOT NULL,
                PRIMARY KEY ("request_id", "position", "served_at")
            ) PARTITION BY RANGE ("served_at")
        `);
    await queryRunner.query(`CREATE TABLE "placements_default" PARTITION OF "placements" DEFAULT`);
    await queryRunner.query(`CREATE INDEX "idx_placements_surface" ON "placements" ("surface", "served_at")`);
    await queryRunner.query(`CREATE INDEX "idx_placements_item" ON "placements" ("item_id", "served_at")`);
    for (const t of ['engagement_events', 'feed_requests', 'placements']) {
      await queryRunner.query(`SELECT marquee_ensure_daily_partitions($1, 1, 7)`, [t]);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "placements"`);
    await queryRunner.query(`DROP TABLE "feed_requests"`);
    await queryRunner.query(`DROP TABLE "engagement_events"`);
    await queryRunner.query(`DROP TABLE "engagement_event_ids"`);
    await queryRunner.query(`DROP FUNCTION marquee_ensure_daily_partitions(text, int, int)`);
    await queryRunner.query(`
            DROP INDEX "public"."uq_content_tests_surface_item"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_content_tests_status"
        `);
    await queryRunner.query(`
            DROP TABLE "content_tests"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_surface_pins_surface"
        `);
    await queryRunner.query(`
            DROP TABLE "surface_pins"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_surfaces_key"
        `);
    await queryRunner.query(`
            DROP TABLE "surfaces"
        `);
    await queryRunner.query(`
            DROP TABLE "learner_watermarks"
        `);
    await queryRunner.query(`
            DROP TABLE "user_profiles"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_pool_snapshots_created"
        `);
    await queryRunner.query(`
            DROP TABLE "pool_snapshots"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_engine_snapshots_revision"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_engine_snapshots_created"
        `);
    await queryRunner.query(`
            DROP TABLE "engine_snapshots"
        `);
    await queryRunner.query(`
            DROP TABLE "engine_states"
        `);
  }
}
