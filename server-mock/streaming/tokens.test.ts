import { describe, expect, it } from 'vitest';
import { isClaims, signPlayToken, verifyPlayToken, type PlayTokenClaims } from './tokens.ts';

const key = Buffer.from('a-test-key-of-sufficient-length');
const claims: PlayTokenClaims = { u: 'user', t: 'term', p: 'prog', s: 'sess', c: 'S1', iat: 1000, exp: 2000 };

describe('play tokens', () => {
  it('round-trips claims until expiry', () => {
    const token = signPlayToken(key, claims);
    const v = verifyPlayToken(key, token, 1500);
    expect(isClaims(v) && v).toEqual(claims);
    expect(verifyPlayToken(key, token, 2000)).toEqual({ problem: 'expired' });
  });

  it('accepts exactly one spelling of the signature', () => {
    const token = signPlayToken(key, claims);
    for (const variant of [`${token}=`, `${token}!!`, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, token.replace(/\.([^.]*)$/, '.!$1')]) {
      expect(verifyPlayToken(key, variant, 1500)).toEqual({ problem: 'bad-signature' });
    }
  });

  it('refuses another key, a changed payload and garbage', () => {
    const token = signPlayToken(key, claims);
    expect(verifyPlayToken(Buffer.from('another-key-of-sufficient-len'), token, 1500)).toEqual({ problem: 'bad-signature' });
    const [head, , mac] = token.split('.');
    const changed = `${head}.${Buffer.from(JSON.stringify({ ...claims, u: 'mallory' })).toString('base64url')}.${mac}`;
    expect(verifyPlayToken(key, changed, 1500)).toEqual({ problem: 'bad-signature' });
    for (const junk of ['', 'pt1.', 'pt1..', 'xyz.abc.def', 'pt1.e30.' + 'x'.repeat(3000)]) {
      expect(isClaims(verifyPlayToken(key, junk, 1500))).toBe(false);
    }
  });
});
