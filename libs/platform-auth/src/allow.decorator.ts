import { SetMetadata } from '@nestjs/common';
import type { Audience } from './principal';

export const ALLOW_METADATA = 'marquee:allow';

/**
 * Declares who may call a GraphQL operation, field resolver or HTTP route. The global AccessGuard denies
 * anything without a declaration, and the access test fails for any operation that lacks one.
 */
export const Allow = (...audience: Audience[]) => SetMetadata(ALLOW_METADATA, audience);

/** Named audiences, so a rule reads as intent rather than a list. */
export const Who = {
  anyone: ['anonymous', 'admin', 'editor', 'reviewer', 'analyst', 'client'] as Audience[],
  staff: ['admin', 'editor', 'reviewer', 'analyst'] as Audience[],
  // Reviewers are senior editors: they write content too, and approve what others wrote.
  editors: ['admin', 'editor', 'reviewer'] as Audience[],
  reviewers: ['admin', 'reviewer'] as Audience[],
  admins: ['admin'] as Audience[],
  clients: ['client'] as Audience[],
};
