/**
 * Play tokens (令牌, patent [0098], [0108]): issued by an access server, signed with a key all
 * streaming clusters of a deployment share, so a token issued by S1 to terminal A can be
 * presented at S2 by terminal B of the same user and admitted without a new authentication.
 *
 * Format: `pt1.<payload base64url(JSON)>.<HMAC-SHA256 base64url>`. Short-lived (default 30
 * min), renewed by every heartbeat. Bound to a user, a programme, and the session it was
 * issued for; media requests are checked against the programme.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** What a play token asserts. */
export interface PlayTokenClaims {
  /** User the token belongs to. */
  u: string;
  /** Terminal it was issued to. */
  t: string;
  /** Programme it allows. */
  p: string;
  /** Play session it was issued for. */
  s: string;
  /** Issuing cluster. */
  c: string;
  /** Household profile the viewing belongs to (tokens from before profiles lack it). */
  pf?: string;
  /**
   * Session state any node of the cluster needs to take the session over (stateless nodes):
   * the terminal's type, when the session started (epoch ms) and, for a resumed VOD viewing,
   * where it resumed (offset ms; the bad-stop guard needs it). Absent in older tokens.
   */
  tt?: 'stb' | 'mobile' | 'pc';
  st?: number;
  rf?: number;
  /** Issued at / expires at, epoch seconds. */
  iat: number;
  exp: number;
}

/** Why a token was refused (logged; the client only sees TOKEN_INVALID). */
export type TokenProblem = 'malformed' | 'bad-signature' | 'expired';

const PREFIX = 'pt1.';

/**
 * The key as a KeyObject, made once per key: `createHmac` with a Buffer imports the key anew on
 * every call, which cost 4–8× the HMAC itself (~40 µs against ~5 µs per token here; every
 * heartbeat verifies one token and signs another, every media request verifies one).
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();

function mac(key: Buffer, body: string): Buffer {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  return createHmac('sha256', k).update(body).digest();
}

/** Issue a token. */
export function signPlayToken(key: Buffer, claims: PlayTokenClaims): string {
  const body = PREFIX + Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** Verify a token at `nowSec`; returns the claims or why it was refused. */
export function verifyPlayToken(key: Buffer, token: string, nowSec: number): PlayTokenClaims | { problem: TokenProblem } {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > 2000) return { problem: 'malformed' };
  const dot = token.lastIndexOf('.');
  if (dot <= PREFIX.length) return { problem: 'malformed' };
  const body = token.slice(0, dot);
  // Compare the canonical base64url text, not decoded bytes: base64 decoding ignores junk and
  // spare bits, which would let several spellings of one signature verify.
  const given = Buffer.from(token.slice(dot + 1), 'utf8');
  const expected = Buffer.from(mac(key, body).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: 'bad-signature' };
  let claims: PlayTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body.slice(PREFIX.length), 'base64url').toString('utf8')) as PlayTokenClaims;
  } catch {
    return { problem: 'malformed' };
  }
  const fields = [claims?.u, claims?.t, claims?.p, claims?.s, claims?.c];
  if (!fields.every((f) => typeof f === 'string') || typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || (claims.pf !== undefined && typeof claims.pf !== 'string')) {
    return { problem: 'malformed' };
  }
  const optional = (v: unknown, type: string) => v === undefined || typeof v === type;
  if (!optional(claims.st, 'number') || !optional(claims.rf, 'number') || (claims.tt !== undefined && !['stb', 'mobile', 'pc'].includes(claims.tt))) {
    return { problem: 'malformed' };
  }
  if (claims.exp <= nowSec) return { problem: 'expired' };
  return claims;
}

/** True when `verifyPlayToken` succeeded. */
export function isClaims(v: PlayTokenClaims | { problem: TokenProblem }): v is PlayTokenClaims {
  return !('problem' in v);
}
