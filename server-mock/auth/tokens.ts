/**
 * Random bearer secrets and their stored form. Secrets carry 256 bits of entropy, so a fast
 * hash (SHA-256) is the right stored form: a slow hash adds nothing against guessing 2^256.
 * The prefix says what kind of credential it is, which helps users and secret scanners.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Credential kinds and their visible prefixes. */
export const TOKEN_PREFIX = { session: 'ras_', terminal: 'rat_' } as const;

/** A new random secret with the given prefix (base64url, 43 chars of entropy). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** A new opaque id for rows (URL-safe, 16 chars, ~96 bits). */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** The stored form of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Constant-time string comparison (for configured secrets compared directly). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
