/**
 * Linking a TV by code (RFC 8628 device authorization), the global role's side. The TV gets
 * a secret device code and a short user code; a signed-in user enters the user code on a PC or
 * phone; the TV's next poll receives its terminal credential. Codes expire (10 min), are
 * single-use, must be polled no faster than the stated interval, and guesses are rate-limited
 * at the route. User codes use 20 consonants (RFC 8628 §6.1): 20^8 ≈ 2.6·10^10 codes.
 */
import { randomInt } from 'node:crypto';
import { AppError } from '../../common/errors.ts';
import type { DeviceAuthorizeResponse, DeviceTokenResponse } from '../../common/protocol/device.ts';
import type { TerminalType } from '../../common/protocol/model.ts';
import { hashSecret, newId, newSecret, TOKEN_PREFIX } from '../auth/tokens.ts';
import type { Store } from '../store/types.ts';
import { toAccount, toTerminal } from './records.ts';

/** Letters of user codes: no vowels (no words), no look-alikes of digits. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** Normalise what a person typed: upper case, separators dropped; null if not a code. */
export function normaliseUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z]{8}$/.test(code) ? code : null;
}

/** Display form `XXXX-XXXX`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Options of the device service. */
export interface DeviceServiceDeps {
  store: Store;
  now?: () => number;
  /** Code lifetime (default 600 s) and poll interval (default 5 s). */
  expiresInSec?: number;
  intervalSec?: number;
}

/** Device-authorization operations. */
export class DeviceService {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #expiresInSec: number;
  readonly #intervalSec: number;

  constructor(deps: DeviceServiceDeps) {
    this.#store = deps.store;
    this.#now = deps.now ?? Date.now;
    this.#expiresInSec = deps.expiresInSec ?? 600;
    this.#intervalSec = deps.intervalSec ?? 5;
  }

  /** A TV asks for a code pair. `linkPageUrl` is the web terminal's link page. */
  async authorize(linkPageUrl: string, name = 'TV', type: TerminalType = 'stb'): Promise<DeviceAuthorizeResponse> {
    const deviceCode = newSecret('rad_');
    const now = this.#now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const userCode = Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
      const created = await this.#store.createDeviceCode({
        deviceCodeHash: hashSecret(deviceCode),
        userCode,
        terminalName: name,
        terminalType: type,
        createdAt: now,
        expiresAt: now + this.#expiresInSec * 1000,
        intervalSec: this.#intervalSec,
        lastPollAt: null,
        approvedUserId: null,
        approvedAt: null,
        consumedAt: null,
        terminalId: null,
      });
      if (created) {
        const shown = formatUserCode(userCode);
        return {
          deviceCode,
          userCode: shown,
          verificationUri: linkPageUrl,
          verificationUriComplete: `${linkPageUrl}?code=${shown}`,
          expiresIn: this.#expiresInSec,
          interval: this.#intervalSec,
        };
      }
    }
    throw new Error('could not allocate a unique user code');
  }

  /** A signed-in user enters the code shown on the TV. */
  async link(userId: string, typedCode: string, name?: string): Promise<{ terminalName: string; terminalType: TerminalType }> {
    const userCode = normaliseUserCode(typedCode);
    const row = userCode ? await this.#store.findDeviceCodeByUserCode(userCode) : null;
    const now = this.#now();
    if (!row || row.approvedUserId !== null || row.consumedAt !== null) {
      throw new AppError('CODE_INVALID', 'That code is not valid. Check the code on the TV screen, or ask the TV for a new one.');
    }
    if (row.expiresAt <= now) throw new AppError('CODE_EXPIRED', 'That code has expired. The TV will show a new one.');
    const terminalName = name?.trim() || row.terminalName;
    if (!(await this.#store.approveDeviceCode(row.userCode, userId, terminalName, now))) {
      throw new AppError('CODE_INVALID', 'That code was just used or expired.');
    }
    return { terminalName, terminalType: row.terminalType };
  }

  /** The TV polls with its device code. */
  async poll(deviceCode: string): Promise<DeviceTokenResponse> {
    const hash = hashSecret(deviceCode);
    const row = await this.#store.findDeviceCode(hash);
    const now = this.#now();
    if (!row || row.consumedAt !== null) throw new AppError('CODE_INVALID', 'Unknown or already used device code');
    if (row.expiresAt <= now) throw new AppError('CODE_EXPIRED', 'The code expired; ask for a new one');
    if (row.lastPollAt !== null && now - row.lastPollAt < row.intervalSec * 1000) {
      // RFC 8628 §3.5: too fast — add 5 s to the interval from now on.
      await this.#store.noteDevicePoll(hash, now, row.intervalSec + 5);
      throw new AppError('SLOW_DOWN', `Polling too fast; wait ${row.intervalSec + 5} s between polls`, {
        interval: row.intervalSec + 5,
      });
    }
    await this.#store.noteDevicePoll(hash, now, row.intervalSec);
    if (row.approvedUserId === null) {
      throw new AppError('AUTHORIZATION_PENDING', 'Waiting for the code to be entered', { interval: row.intervalSec });
    }
    const credential = newSecret(TOKEN_PREFIX.terminal);
    const terminal = {
      id: newId(),
      userId: row.approvedUserId,
      name: row.terminalName,
      type: row.terminalType,
      credentialHash: hashSecret(credential),
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
      profileId: null,
    };
    if (!(await this.#store.consumeDeviceCode(hash, now, terminal))) {
      throw new AppError('CODE_INVALID', 'Unknown or already used device code');
    }
    const user = await this.#store.getUser(row.approvedUserId);
    if (!user) throw new AppError('CODE_INVALID', 'The account no longer exists');
    return { terminal: toTerminal(terminal), credential, account: toAccount(user) };
  }
}
