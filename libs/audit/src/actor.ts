import type { Principal } from '@marquee/platform-auth';
import type { Actor } from './audit.service';

/** Who to name in versions and the audit log for a request's caller. */
export function actorOf(p: Principal): Actor {
  if (p.kind === 'user') return { id: p.userId, label: p.email };
  if (p.kind === 'client') return { id: `apikey:${p.apiKeyId}`, label: `API key ${p.name}` };
  return { id: null, label: 'anonymous' };
}
