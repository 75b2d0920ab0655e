import { AUTH_ENTITIES } from '@marquee/platform-auth';
import { AUDIT_ENTITIES } from '@marquee/audit';
import { CATALOG_ENTITIES } from '@marquee/catalog';

/** Every entity of every domain: what the migrations must match (checked in test/integration/schema-drift). */
export const ALL_ENTITIES = [...AUTH_ENTITIES, ...AUDIT_ENTITIES, ...CATALOG_ENTITIES];
