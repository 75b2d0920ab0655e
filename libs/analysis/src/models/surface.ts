import { DataSource } from 'typeorm';
import { SurfaceEntity } from '@marquee/placement';
import { NotFoundError } from '@marquee/platform-core';

/** The surface a model or an evaluation belongs to; NOT_FOUND names the key when there is none. */
export async function findSurface(db: DataSource, key: string): Promise<SurfaceEntity> {
  const s = await db.getRepository(SurfaceEntity).findOne({ where: { key } });
  if (!s) throw new NotFoundError('surface', key, '', 'key');
  return s;
}
