import { DataSource } from 'typeorm';
import { SurfaceEntity, findSurfaceByKey } from '@marquee/placement';

/** The surface a model or an evaluation belongs to; NOT_FOUND names the key when there is none. */
export function findSurface(db: DataSource, key: string): Promise<SurfaceEntity> {
  return findSurfaceByKey(db, key);
}
