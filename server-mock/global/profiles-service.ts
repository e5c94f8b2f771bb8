/**
 * Household profiles of the global role: an account (household) has 1–8 profiles; a terminal
 * has a current one. This service owns the profile rows, choosing a profile on a terminal
 * (PIN checked, wrong PINs counted in the store and locked at a limit), the maturity rule, and — for push — an in-memory view of
 * each terminal's current profile and each household's shared-history choice, kept in step
 * with every write made through it.
 */
import { AppError } from '../../common/errors.ts';
import type { Program } from '../../common/protocol/model.ts';
import { MAX_PROFILES, type CreateProfileRequest, type Profile, type ProfileList, type UpdateProfileRequest } from '../../common/protocol/profiles.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { newId } from '../auth/tokens.ts';
import { DEMO_ACCOUNT } from '../demo/seed.ts';
import { lockInForce, type PinPolicy } from '../store/pins.ts';
import type { ProfilePatch, ProfileRow, Store, TerminalRow } from '../store/types.ts';

/** Wrong PINs a profile may get within the window; the last of them locks it. */
export const PIN_MAX_FAILURES = 5;
/** The window of PIN guesses. */
export const PIN_WINDOW_MS = 15 * 60_000;
/** How long a profile stays locked after too many wrong PINs. */
export const PIN_LOCK_MS = 15 * 60_000;
const PIN_POLICY: PinPolicy = { maxFailures: PIN_MAX_FAILURES, windowMs: PIN_WINDOW_MS, lockMs: PIN_LOCK_MS };

/** What proves a caller may choose a profile with a PIN. */
export interface SelectProof {
  pin?: string | undefined;
  /** The account's password: chooses any profile without its PIN, and lifts its lock. */
  password?: string | undefined;
  /** The request came from the server's own machine (the demo password works only there). */
  fromThisMachine?: boolean;
}

/** Wire form of a profile (never the PIN hash). */
export function toProfile(row: ProfileRow): Profile {
  return { id: row.id, name: row.name, language: row.language, hasPin: row.pinHash !== null, maturityLimit: row.maturityLimit, createdAt: row.createdAt };
}

/** The maturity rule: under a limit, only programmes rated at or below it (unrated: never). */
export function allowedFor(profile: Pick<ProfileRow, 'maturityLimit'> | null, program: Program): boolean {
  if (!profile || profile.maturityLimit === null) return true;
  return program.ageRating !== undefined && program.ageRating <= profile.maturityLimit;
}

/** What push needs to scope a terminal's stream. */
export interface PushScope {
  profileId: string;
  shared: boolean;
  /** The profile's maturity limit: events about programmes above it are never pushed. */
  maturityLimit: number | null;
}

/** Profile operations. */
export class ProfileService {
  readonly #store: Store;
  readonly #now: () => number;
  /** terminalId → current profile id, for push (filled at stream open, updated on change). */
  readonly #current = new Map<string, string>();
  /** userId → shared history. */
  readonly #shared = new Map<string, boolean>();
  /** profileId → maturity limit, for the profiles of #current. */
  readonly #limits = new Map<string, number | null>();

  constructor(deps: { store: Store; now?: () => number }) {
    this.#store = deps.store;
    this.#now = deps.now ?? Date.now;
  }

  /** The terminal's current profile: its chosen one, else the household's first. */
  async currentOf(terminal: Pick<TerminalRow, 'userId' | 'profileId'>): Promise<ProfileRow> {
    if (terminal.profileId !== null) {
      const p = await this.#store.getProfile(terminal.profileId);
      if (p && p.userId === terminal.userId) return p;
    }
    const [first] = await this.#store.listProfiles(terminal.userId);
    if (!first) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    return first;
  }

  /**
   * The household of a caller allowed to manage it (profiles, settings, devices): a user
   * session, or a terminal whose current profile has no maturity limit. FORBIDDEN otherwise.
   */
  async managerOf(p: { kind: 'user'; userId: string } | { kind: 'terminal'; userId: string; terminalId: string }): Promise<string> {
    if (p.kind === 'user') return p.userId;
    const row = await this.#store.getTerminal(p.terminalId);
    if (row && (await this.currentOf(row)).maturityLimit === null) return p.userId;
    throw new AppError('FORBIDDEN', 'A profile with a maturity limit cannot manage the household');
  }

  /** Whether the household shares history across profiles. */
  async sharedHistory(userId: string): Promise<boolean> {
    const user = await this.#store.getUser(userId);
    return user?.sharedHistory === true;
  }

  /** The household's profiles, and the calling terminal's current one. */
  async list(userId: string, terminalId: string | null): Promise<ProfileList> {
    const rows = await this.#store.listProfiles(userId);
    let currentProfileId: string | null = null;
    if (terminalId !== null) {
      const t = await this.#store.getTerminal(terminalId);
      if (t) currentProfileId = (await this.currentOf(t)).id;
    }
    return { profiles: rows.map(toProfile), currentProfileId, sharedHistory: await this.sharedHistory(userId) };
  }

  /** Add a profile (PROFILE_LIMIT beyond 8). */
  async create(userId: string, req: CreateProfileRequest): Promise<Profile> {
    const row: ProfileRow = {
      id: newId(),
      userId,
      name: req.name.trim(),
      language: req.language ?? null,
      pinHash: req.pin ? await hashPassword(req.pin) : null,
      maturityLimit: req.maturityLimit ?? null,
      createdAt: this.#now(),
    };
    if (!(await this.#store.createProfile(row, MAX_PROFILES))) throw new AppError('PROFILE_LIMIT', `A household has at most ${MAX_PROFILES} profiles`);
    return toProfile(row);
  }

  /** Change a profile's name, language, PIN or limit. */
  async update(userId: string, profileId: string, req: UpdateProfileRequest): Promise<Profile> {
    const patch: ProfilePatch = {};
    if (req.name !== undefined) patch.name = req.name.trim();
    if (req.language !== undefined) patch.language = req.language;
    if (req.maturityLimit !== undefined) patch.maturityLimit = req.maturityLimit;
    if (req.pin !== undefined) patch.pinHash = req.pin === null ? null : await hashPassword(req.pin);
    if (!(await this.#store.updateProfile(userId, profileId, patch))) throw profileNotFound();
    // A new (or no) PIN starts the count again: the owner's way to lift a lock.
    if (patch.pinHash !== undefined) await this.#store.clearPinFailures(profileId);
    const row = await this.#store.getProfile(profileId);
    if (!row) throw profileNotFound();
    if (this.#limits.has(profileId)) this.#limits.set(profileId, row.maturityLimit);
    return toProfile(row);
  }

  /** Delete a profile with its history (never the last one). */
  async remove(userId: string, profileId: string): Promise<void> {
    const r = await this.#store.deleteProfile(userId, profileId);
    if (r === 'not-found') throw profileNotFound();
    if (r === 'last') throw new AppError('PROFILE_LIMIT', 'A household keeps at least one profile');
    for (const [terminalId, current] of this.#current) if (current === profileId) this.#current.delete(terminalId);
  }

  /**
   * Choose who is watching on a terminal. A profile with a PIN needs it — or the account's
   * password, the owner's way in that also lifts a lock. PIN_MAX_FAILURES wrong PINs within
   * PIN_WINDOW_MS (on any terminal, any global instance: the counts are in the store) lock the
   * profile for PIN_LOCK_MS: PIN_LOCKED with `retryAfterSec`, whatever PIN is given.
   */
  async select(userId: string, terminalId: string, profileId: string, proof: SelectProof = {}): Promise<Profile> {
    const profile = await this.#store.getProfile(profileId);
    if (!profile || profile.userId !== userId) throw profileNotFound();
    if (proof.password !== undefined) {
      await this.#checkAccountPassword(userId, proof.password, proof.fromThisMachine ?? true);
      await this.#store.clearPinFailures(profileId);
    } else if (profile.pinHash !== null) {
      const now = this.#now();
      const lockedUntil = lockInForce(await this.#store.getPinState(profileId), now);
      if (lockedUntil !== null) throw pinLocked(lockedUntil, now);
      if (!proof.pin || !(await verifyPassword(proof.pin, profile.pinHash))) {
        const state = await this.#store.recordPinFailure(profileId, now, PIN_POLICY);
        if (!state) throw profileNotFound(); // deleted meanwhile
        if (state.lockedUntil !== null) throw pinLocked(state.lockedUntil, now);
        throw new AppError('PIN_WRONG', 'Wrong PIN for this profile', { attemptsLeft: PIN_MAX_FAILURES - state.failures });
      }
      await this.#store.clearPinFailures(profileId);
    }
    if (!(await this.#store.setTerminalProfile(userId, terminalId, profileId))) throw profileNotFound();
    this.#current.set(terminalId, profileId);
    this.#limits.set(profileId, profile.maturityLimit);
    return toProfile(profile);
  }

  /** The account's password (the demo's published one only from the server's own machine). */
  async #checkAccountPassword(userId: string, password: string, fromThisMachine: boolean): Promise<void> {
    const user = await this.#store.getUser(userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
    const published = user.login === DEMO_ACCOUNT.login && password === DEMO_ACCOUNT.password;
    if (!(await verifyPassword(password, user.passwordHash)) || (published && !fromThisMachine)) {
      throw new AppError('WRONG_PASSWORD', 'The account password is wrong; nothing was changed');
    }
  }

  /** Set the household's shared-history choice. */
  async setShared(userId: string, shared: boolean): Promise<{ sharedHistory: boolean }> {
    await this.#store.setSharedHistory(userId, shared);
    this.#shared.set(userId, shared);
    return { sharedHistory: shared };
  }

  /** Load a terminal's push scope (at stream open). */
  async loadScope(terminalId: string, userId: string): Promise<void> {
    const t = await this.#store.getTerminal(terminalId);
    if (t) {
      const profile = await this.currentOf(t);
      this.#current.set(terminalId, profile.id);
      this.#limits.set(profile.id, profile.maturityLimit);
    }
    this.#shared.set(userId, await this.sharedHistory(userId));
  }

  /** A terminal's push scope from memory (null when not loaded). */
  scopeOf(terminalId: string, userId: string): PushScope | null {
    const profileId = this.#current.get(terminalId);
    return profileId === undefined ? null : { profileId, shared: this.#shared.get(userId) === true, maturityLimit: this.#limits.get(profileId) ?? null };
  }

  /** Whether a programme may be shown under a maturity limit (unknown programmes: no). */
  async programAllowed(maturityLimit: number | null, programId: string): Promise<boolean> {
    if (maturityLimit === null) return true;
    const program = await this.#store.getProgram(programId);
    return program !== null && allowedFor({ maturityLimit }, program);
  }
}

const profileNotFound = () => new AppError('PROFILE_NOT_FOUND', 'No such profile in this household');
const pinLocked = (until: number, now: number) =>
  new AppError('PIN_LOCKED', 'Too many wrong PINs for this profile; try again later, or choose it with the account password', { retryAfterSec: Math.max(1, Math.ceil((until - now) / 1000)) });
