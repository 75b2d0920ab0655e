import type { Role } from './entities/user.entity';

export type Principal =
  { kind: 'user'; userId: string; role: Role; email: string; displayName: string } | { kind: 'client'; apiKeyId: string; name: string } | { kind: 'anonymous' };

/** Who an operation admits: a Studio role, a client app's API key, or anyone. */
export type Audience = Role | 'client' | 'anonymous';

export const ANONYMOUS: Principal = { kind: 'anonymous' };
