import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature scheme (documented in the README): `x-marquee-signature: v1=<hex>` where hex is
 * HMAC-SHA256(secret, `${timestamp}.${body}`) and `x-marquee-timestamp` is Unix seconds. Receivers recompute it and
 * refuse timestamps older than a few minutes, which stops replays.
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** `nowSeconds` is the receiver's clock in Unix seconds; a timestamp further than `toleranceSeconds` from it is refused. */
export function verifySignature(secret: string, timestamp: number, body: string, signature: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
