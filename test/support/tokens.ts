import { randomUUID } from 'node:crypto';
import { TrackingTokens } from '../../libs/events/src/tracking-token';
import { deriveKey } from '../../libs/platform-auth/src/secrets';

/**
 * A validly signed tracking token for one served slot, as a feed without today's input checks would have signed it
 * (tokens live 7 days), so a spec can send `trackEvents` what only an older or a compromised signer could. Signed
 * with the test run's JWT_SECRET, as the API under test signs.
 */
export function signedToken(slot: { surface: string; userId: string; itemId: string; apiKeyId: string }): string {
  const tokens = new TrackingTokens(deriveKey(process.env.JWT_SECRET!, 'tracking'), 7 * 86400_000);
  return tokens.sign({
    requestId: randomUUID(),
    position: 1,
    propensity: 1,
    reason: 'FALLBACK',
    policyVersion: 'fallback/editorial',
    servedAt: Date.now() - 1000,
    ...slot,
  });
}
