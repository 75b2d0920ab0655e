import type { ItemFields } from '../domain/item-fields';
import type { ItemVersionEntity } from '../entities/item-version.entity';
import type { ItemFieldsGql, ItemInput, ItemVersionGql } from './item.types';
import type { ItemInputLike } from '../domain/validation';

export { actorOf } from '@marquee/audit';

export function fieldsToGql(f: ItemFields): ItemFieldsGql {
  return {
    ...f,
    localized: Object.entries(f.localized).map(([locale, t]) => ({
      locale,
      title: t.title ?? null,
      subtitle: t.subtitle ?? null,
      description: t.description ?? null,
    })),
  };
}

export function versionToGql(v: ItemVersionEntity): ItemVersionGql {
  return {
    id: v.id,
    itemId: v.itemId,
    number: v.number,
    fields: fieldsToGql(v.fields),
    authorId: v.authorId,
    restoredFrom: v.restoredFrom,
    note: v.note,
    createdAt: v.createdAt,
  };
}

/** The list of localized texts goes to validation as sent, so a locale given twice is refused there, not overwritten here. */
export function inputToLike(input: ItemInput): ItemInputLike {
  return { ...input, localized: input.localized ?? [] };
}
