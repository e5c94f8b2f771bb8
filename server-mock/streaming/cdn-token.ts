/**
 * The check an operator's CDN edge makes before serving a programme's media (docs/CDN.md):
 * the request carries the play token the access server issued (`Authorization: Bearer pt1.…`,
 * or `?token=` for players that cannot set headers); the edge verifies its HMAC-SHA256 with the
 * deployment's play-token key, refuses it expired, and refuses it for any programme but the one
 * the URL belongs to. This module is the reference implementation (the tests' CDN runs it); an
 * edge written in another language does the same few steps.
 */
import { isClaims, verifyPlayToken, type PlayTokenClaims } from './tokens.ts';

/** What the edge decided: serve, 401 (no / bad / expired token) or 403 (another programme). */
export type EdgeDecision = { allow: true; claims: PlayTokenClaims } | { allow: false; status: 401 | 403; reason: string };

/** The token a CDN request presents: the Bearer header first, else `?token=`. */
export function presentedCdnToken(headers: Record<string, string | string[] | undefined>, url: URL): string | null {
  const h = headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1] ?? url.searchParams.get('token');
}

/**
 * Decide a CDN request. `programIdOf` maps the request path to the programme it belongs to
 * (an operator's URL layout, e.g. `/vod/<programmeId>/…`); null = not a programme path.
 */
export function checkCdnRequest(key: Buffer, token: string | null, path: string, programIdOf: (path: string) => string | null, nowSec = Math.floor(Date.now() / 1000)): EdgeDecision {
  if (!token) return { allow: false, status: 401, reason: 'no play token' };
  const v = verifyPlayToken(key, token, nowSec);
  if (!isClaims(v)) return { allow: false, status: 401, reason: v.problem };
  const programId = programIdOf(path);
  if (programId === null || programId !== v.p) return { allow: false, status: 403, reason: 'token is for another programme' };
  return { allow: true, claims: v };
}
