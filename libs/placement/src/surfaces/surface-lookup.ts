import { DataSource, EntityManager } from 'typeorm';
import { InputError, NotFoundError } from '@marquee/platform-core';
import { SurfaceEntity } from './surface.entity';

/** NOT_FOUND for a surface key that names no surface, the way every query and mutation that takes one says it. */
export function surfaceNotFound(key: string): NotFoundError {
  return new NotFoundError('surface', key, 'Surfaces are identified by their key, e.g. "home"; list them with `surfaces`.', 'key');
}

/** The surface with that key; NOT_FOUND names the key when there is none. */
export async function findSurfaceByKey(db: DataSource | EntityManager, key: string): Promise<SurfaceEntity> {
  const s = await db.getRepository(SurfaceEntity).findOne({ where: { key } });
  if (!s) throw surfaceNotFound(key);
  return s;
}

/**
 * The `surface` filter of a list query (contentTests, modelVersions, opeRuns): left out (null) lists every surface; an
 * empty key is BAD_USER_INPUT, not "every surface"; a key that names no surface is NOT_FOUND, not an empty list, so a
 * typo is not mistaken for a surface with nothing in it.
 */
export async function surfaceFilter(db: DataSource | EntityManager, key: string | null | undefined): Promise<string | null> {
  if (key === null || key === undefined) return null;
  if (!key.trim())
    throw new InputError('surface is empty. Give a surface key, e.g. "home", or leave surface out to list every surface.', [
      { field: 'surface', message: 'must be a surface key, or left out for every surface' },
    ]);
  return (await findSurfaceByKey(db, key)).key;
}
