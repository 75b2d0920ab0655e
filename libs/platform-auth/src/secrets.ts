import { createHmac } from 'node:crypto';

/** Derives an independent key per purpose from the one configured secret, so one leak does not sign everything. */
export function deriveKey(secret: string, purpose: 'session' | 'tracking' | 'webhook' | 'cursor'): Buffer {
  return createHmac('sha256', secret).update(`marquee:${purpose}:v1`).digest();
}
