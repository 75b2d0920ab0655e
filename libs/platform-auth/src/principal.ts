import type { Role } from './entities/user.entity';

/** Why a Studio session cookie was just refused, when the reason is worth telling (it ended for being unused). */
interface EndedSession {
  message: string;
  details: Record<string, unknown>;
}

export type Principal =
  | { kind: 'user'; userId: string; role: Role; email: string; displayName: string }
  | { kind: 'client'; apiKeyId: string; name: string }
  | { kind: 'anonymous'; endedSession?: EndedSession };

/** Who an operation admits: a Studio role, a client app's API key, or anyone. */
export type Audience = Role | 'client' | 'anonymous';

export const ANONYMOUS: Principal = { kind: 'anonymous' };
