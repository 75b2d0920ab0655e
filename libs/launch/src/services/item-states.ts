import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ItemState } from '../domain/states';

/**
 * The one place an item's workflow state is decided. It is derived, by the database function `marquee_item_state`
 * (migration DerivedItemState), from facts that other steps record anyway:
 *
 * - the latest version is live → `live`;
 * - nothing is live, and the release that took the item down unpublished exactly its latest version → `retired`;
 * - the latest version's newest review decision is `approved` → `scheduled` if a scheduled release pins it, else
 *   `approved`;
 * - it is `submitted` → `in_review`;
 * - otherwise (never submitted, or rejected) → `draft`.
 *
 * Every step that changes one of those facts calls `refresh` in its own transaction, and every step that checks the
 * state refreshes it first, so a launch, a rollback or an old row can never leave the state disagreeing with the
 * versions (issue 8, defect 12).
 */
@Injectable()
export class ItemStates {
  /**
   * Derives and stores the state of these items inside the caller's transaction, and returns it. The rows are locked
   * first (in id order, as the launch locks them), so the facts are read after any concurrent step on the same item
   * has committed.
   */
  async refresh(m: EntityManager, itemIds: readonly string[]): Promise<Map<string, ItemState>> {
    const ids = [...new Set(itemIds)];
    if (!ids.length) return new Map();
    await m.query(`SELECT id FROM items WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [ids]);
    const rows: { id: string; state: ItemState }[] = await m.query(
      `WITH derived AS (SELECT id, marquee_item_state(id) AS state FROM items WHERE id = ANY($1)),
            changed AS (UPDATE items i SET state = d.state FROM derived d WHERE i.id = d.id AND i.state IS DISTINCT FROM d.state RETURNING i.id)
       SELECT id, state FROM derived`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.state]));
  }

  /** The state of one item, derived and stored; see refresh. */
  async of(m: EntityManager, itemId: string): Promise<ItemState> {
    const state = (await this.refresh(m, [itemId])).get(itemId);
    if (!state) throw new Error(`item ${itemId} disappeared while its workflow state was derived`);
    return state;
  }
}
