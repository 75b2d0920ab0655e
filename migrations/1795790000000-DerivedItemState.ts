import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An item's workflow state is a function of facts the database already holds: its latest version's newest review
 * decision, whether that version is live, whether a scheduled release pins it, and whether the release that took the
 * item down unpublished exactly that version. `items.state` stays as a column (lists and the review queue filter on
 * it), but it is only ever written from this function, so it cannot drift from the versions.
 *
 * Before, each step wrote the state it expected, and rollback restored a snapshot taken at launch: a version approved
 * after the launch came back as `draft`, and submitting it again withdrew its approval (issue 8, defect 12). The up()
 * also repairs rows the old code left wrong.
 */
export class DerivedItemState1795790000000 implements MigrationInterface {
  name = 'DerivedItemState1795790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION marquee_item_state(p_item uuid) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT CASE
        WHEN i.live_version_id = i.latest_version_id THEN 'live'
        WHEN i.live_version_id IS NULL AND EXISTS (
          SELECT 1 FROM release_actions a
           WHERE a.release_id = i.live_release_id AND a.item_id = i.id AND a.kind = 'unpublish' AND a.prior_live_version_id = i.latest_version_id
        ) THEN 'retired'
        WHEN d.decision = 'approved' AND EXISTS (
          SELECT 1 FROM release_actions a JOIN releases r ON r.id = a.release_id
           WHERE a.item_id = i.id AND a.kind = 'publish' AND a.version_id = i.latest_version_id AND r.status = 'scheduled'
        ) THEN 'scheduled'
        WHEN d.decision = 'approved' THEN 'approved'
        WHEN d.decision = 'submitted' THEN 'in_review'
        ELSE 'draft'
      END
      FROM items i
      LEFT JOIN LATERAL (
        SELECT r.decision FROM version_reviews r WHERE r.version_id = i.latest_version_id ORDER BY r.at DESC, r.id LIMIT 1
      ) d ON true
      WHERE i.id = p_item
    $$`);
    await q.query(`UPDATE items SET state = marquee_item_state(id) WHERE state IS DISTINCT FROM marquee_item_state(id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The repaired states are correct under the old code too; only the function goes.
    await q.query(`DROP FUNCTION IF EXISTS marquee_item_state(uuid)`);
  }
}
