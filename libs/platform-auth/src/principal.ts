import type { Role } from './entities/user.entity';

export type Principal =
  | { kind: 'user'; userId: string; role: Role; email: string; displayName: string }
  | { kind: 'client'; apiKeyId: string; name: string }
  | { kind: 'anonymous' };

/** Who an operation admits: a Studio role, a client app's API key, or anyone. */
export type Audience = Role | 'client' | 'anonymous';

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function actorId(p: Principal): string | null {
  return p.kind === 'user' ? p.userId : p.kind === 'client' ? `apikey:${p.apiKeyId}` : null;
}

export function describePrincipal(p: Principal): string {
  if (p.kind === 'user') return `${p.email} (${p.role})`;
  if (p.kind === 'client') return `API key "${p.name}"`;
  return 'an anonymous caller';
}
