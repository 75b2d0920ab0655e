import { AUTH_ENTITIES } from '@marquee/platform-auth';
import { AUDIT_ENTITIES } from '@marquee/audit';
import { CATALOG_ENTITIES } from '@marquee/catalog';
import { LAUNCH_ENTITIES } from '@marquee/launch';
import { PLACEMENT_ENTITIES } from '@marquee/placement';
import { ANALYSIS_ENTITIES } from '@marquee/analysis';
import { WEBHOOK_ENTITIES } from '@marquee/webhooks';

/** Every entity of every domain: what the migrations must match (checked in test/integration/schema-drift). */
export const ALL_ENTITIES = [
  ...AUTH_ENTITIES,
  ...AUDIT_ENTITIES,
  ...CATALOG_ENTITIES,
  ...LAUNCH_ENTITIES,
  ...WEBHOOK_ENTITIES,
  ...PLACEMENT_ENTITIES,
  ...ANALYSIS_ENTITIES,
];
