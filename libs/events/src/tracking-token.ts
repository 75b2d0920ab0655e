import { Hash, createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a served slot was: carried by its tracking token so an event needs nothing else to be attributed. */
export interface Placement {
  requestId: string;
  surface: string;
  userId: string;
  itemId: string;
  position: number;
  propensity: number;
  reason: string;
  policyVersion: string;
  servedAt: number; // epoch ms
  /**
   * The API key whose feed served the slot: events about it are accepted only from that key. Null for tokens signed
   * before tokens were bound to keys (accepted from any key until they expire).
   */
  apiKeyId?: string | null;
}

export type TokenProblem = 'INVALID_TOKEN' | 'TOKEN_EXPIRED';

/** What every slot of one served slate shares. */
export type SlateClaims = Pick<Placement, 'requestId' | 'surface' | 'userId' | 'policyVersion' | 'servedAt' | 'apiKeyId'>;
/** What is a slot's own. */
export type SlotClaims = Pick<Placement, 'itemId' | 'position' | 'propensity' | 'reason'>;

const SIG_BYTES = 16;
/** Slates whose keyed state and claims `TrackingTokens` keeps (a few MB at most). */
const HEAD_CACHE = 4096;

const REASONS = ['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED', 'FALLBACK'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Slot part, binary form: kind 0, position, reason, propensity (float64), item UUID. */
const SLOT_BYTES = 1 + 1 + 1 + 8 + 16;

interface HeadState {
  inner: Hash;
  /** The slate's claims once a token of it verified (null: not a JSON object, so none of its tokens is valid). */
  claims: Record<string, unknown> | null | undefined;
}

/**
 * Signed tracking tokens, one per served slot, each enough on its own to attribute an event (no lookup).
 *
 * Version 2 (`signSlate`, what the feed issues): `<slate>.<slot>.<mac>`. `slate` is base64url(JSON) of what the slots
 * of one slate share (request, surface, user, policy version, served-at, API key), encoded once per slate; `slot` is
 * base64url of 27 bytes (position, reason, propensity as a float64, the item's UUID); `mac` is HMAC-SHA256 over
 * `slate.slot` under a key of its own (derived from the tracking key), truncated to 128 bits. The HMAC's keyed inner
 * and outer states are computed once per slate and copied for each slot, so a slot costs two short SHA-256
 * finalisations. Every token is still independently unforgeable and bound to its API key, expiry and slot.
 *
 * Version 1 (`sign`): `<base64url(JSON of every claim)>.<mac>`, one JSON and HMAC per slot. Tokens issued before
 * version 2 still verify until they expire (7 days); the two cannot be confused (two parts against three, and
 * different keys).
 */
export class TrackingTokens {
  /** SHA-256 with the version 2 key's inner and outer pads absorbed: copied, never finalised. */
  private readonly innerPad: Hash;
  private readonly outerPad: Hash;
  /**
   * Recent slates' keyed inner states and parsed shared claims, by slate part (insertion order, the oldest evicted
   * beyond HEAD_CACHE): the slots of one slate, and the impression and play of one slot, arrive in the same or
   * nearby batches, so each slate's key schedule and JSON are done about once. An entry is only a function of the
   * slate text and the secret key, so a forged token gains nothing from it; its signature is still checked.
   */
  private readonly heads = new Map<string, HeadState>();

  constructor(
    private readonly key: Buffer,
    private readonly ttlMs: number,
  ) {
    const v2Key = createHmac('sha256', key).update('tracking-token/v2').digest();
    const ipad = Buffer.alloc(64, 0x36);
    const opad = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < v2Key.length; i++) {
      ipad[i] ^= v2Key[i];
      opad[i] ^= v2Key[i];
    }
    this.innerPad = createHash('sha256').update(ipad);
    this.outerPad = createHash('sha256').update(opad);
  }

  /** Tokens for the slots of one slate, in order (version 2). */
  signSlate(slate: SlateClaims, slots: readonly SlotClaims[]): string[] {
    const claims: Record<string, unknown> = { r: slate.requestId, s: slate.surface, u: slate.userId, v: slate.policyVersion, t: slate.servedAt };
    if (slate.apiKeyId) claims.k = slate.apiKeyId;
    const head = Buffer.from(JSON.stringify(claims)).toString('base64url') + '.';
    const { inner } = this.headState(head);
    const out = new Array<string>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = encodeSlot(slots[i]);
      out[i] = `${head}${slot}.${finish(inner, this.outerPad, slot).toString('base64url')}`;
    }
    return out;
  }

  sign(p: Placement): string {
    const claims: Record<string, unknown> = {
      r: p.requestId,
      s: p.surface,
      u: p.userId,
      i: p.itemId,
      p: p.position,
      q: p.propensity,
      m: p.reason,
      v: p.policyVersion,
      t: p.servedAt,
    };
    if (p.apiKeyId) claims.k = p.apiKeyId;
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** `now` is the caller's Clock reading in ms; a token older than the TTL at that instant is TOKEN_EXPIRED. */
  verify(token: string, now: number): { ok: true; placement: Placement } | { ok: false; problem: TokenProblem } {
    if (typeof token !== 'string' || token.length > 2048) return { ok: false, problem: 'INVALID_TOKEN' };
    const dot = token.indexOf('.');
    if (dot <= 0) return { ok: false, problem: 'INVALID_TOKEN' };
    const dot2 = token.indexOf('.', dot + 1);
    if (dot2 > 0) return this.verifyV2(token, dot, dot2, now);
    const body = token.slice(0, dot);
    if (!sameSignature(token.slice(dot + 1), this.mac(body))) return { ok: false, problem: 'INVALID_TOKEN' };
    return this.checked(readPlacement(token), now);
  }

  private checked(placement: Placement | null, now: number): { ok: true; placement: Placement } | { ok: false; problem: TokenProblem } {
    if (!placement) return { ok: false, problem: 'INVALID_TOKEN' };
    if (now - placement.servedAt > this.ttlMs) return { ok: false, problem: 'TOKEN_EXPIRED' };
    return { ok: true, placement };
  }

  private verifyV2(token: string, dot: number, dot2: number, now: number): { ok: true; placement: Placement } | { ok: false; problem: TokenProblem } {
    const head = token.slice(0, dot + 1);
    const slotText = token.slice(dot + 1, dot2);
    const state = this.headState(head);
    if (!sameSignature(token.slice(dot2 + 1), finish(state.inner, this.outerPad, slotText))) return { ok: false, problem: 'INVALID_TOKEN' };
    if (state.claims === undefined) state.claims = parseClaims(token.slice(0, dot));
    let slot: SlotClaims | null;
    try {
      slot = decodeSlot(Buffer.from(slotText, 'base64url'));
    } catch {
      slot = null;
    }
    return this.checked(state.claims && slot ? placementOf(state.claims, slot) : null, now);
  }

  /** HMAC-SHA256 (RFC 2104) under the version 2 key with `head` already absorbed, cached per slate (see `heads`). */
  private headState(head: string): HeadState {
    let state = this.heads.get(head);
    if (state) return state;
    state = { inner: this.innerPad.copy().update(head), claims: undefined };
    if (this.heads.size >= HEAD_CACHE) this.heads.delete(this.heads.keys().next().value as string);
    this.heads.set(head, state);
    return state;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, SIG_BYTES);
  }
}

/**
 * Whether `text` is exactly the base64url spelling of `expected` (in constant time). Decoding `text` instead took
 * altered tokens: Node's base64url decoder skips characters outside the alphabet ("é", "*", a space), padding, and
 * the unused low bits of the last character, so several spellings decoded to the right signature.
 */
function sameSignature(text: string, expected: Buffer): boolean {
  const want = Buffer.from(expected.toString('base64url'));
  const got = Buffer.from(text);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * What a token (either version) claims, read WITHOUT checking its signature or expiry: for tools and benchmarks
 * that hold tokens Marquee issued them and need the placement inside. Never accept an event on it; `verify` does.
 * Null when the token is not in either format.
 */
export function readPlacement(token: string): Placement | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const dot2 = token.indexOf('.', dot + 1);
  const d = parseClaims(token.slice(0, dot));
  if (!d) return null;
  let slot: SlotClaims | null;
  try {
    slot =
      dot2 > 0
        ? decodeSlot(Buffer.from(token.slice(dot + 1, dot2), 'base64url'))
        : { itemId: String(d.i), position: Number(d.p), propensity: Number(d.q), reason: String(d.m) };
  } catch {
    return null;
  }
  return slot ? placementOf(d, slot) : null;
}

/** A slate's (or a version 1 token's) JSON claims, or null when they are not a JSON object. */
function parseClaims(part: string): Record<string, unknown> | null {
  try {
    const d = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function placementOf(d: Record<string, unknown>, slot: SlotClaims): Placement {
  return {
    requestId: String(d.r),
    surface: String(d.s),
    userId: String(d.u),
    itemId: slot.itemId,
    position: slot.position,
    propensity: slot.propensity,
    reason: slot.reason,
    policyVersion: String(d.v),
    servedAt: Number(d.t),
    apiKeyId: typeof d.k === 'string' ? d.k : null,
  };
}

function finish(inner: Hash, outer: Hash, slot: string): Buffer {
  return outer.copy().update(inner.copy().update(slot).digest()).digest().subarray(0, SIG_BYTES);
}

/** The slot part: 27 bytes when the item id is a UUID and the reason a known one, else (kind 1) JSON. */
function encodeSlot(s: SlotClaims): string {
  const reason = REASONS.indexOf(s.reason);
  if (reason < 0 || !UUID.test(s.itemId) || !Number.isInteger(s.position) || s.position < 0 || s.position > 255) {
    return Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify([s.itemId, s.position, s.propensity, s.reason]))]).toString('base64url');
  }
  const b = Buffer.allocUnsafe(SLOT_BYTES);
  b[0] = 0;
  b[1] = s.position;
  b[2] = reason;
  b.writeDoubleBE(s.propensity, 3);
  b.write(s.itemId.replace(/-/g, ''), 11, 16, 'hex');
  return b.toString('base64url');
}

function decodeSlot(b: Buffer): SlotClaims | null {
  if (b[0] === 1) {
    const [itemId, position, propensity, reason] = JSON.parse(b.subarray(1).toString('utf8')) as unknown[];
    return { itemId: String(itemId), position: Number(position), propensity: Number(propensity), reason: String(reason) };
  }
  if (b[0] !== 0 || b.length !== SLOT_BYTES || b[2] >= REASONS.length) return null;
  const h = b.toString('hex', 11, 27);
  return {
    itemId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
    position: b[1],
    reason: REASONS[b[2]],
    propensity: b.readDoubleBE(3),
  };
}
