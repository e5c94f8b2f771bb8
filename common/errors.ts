/**
 * One error vocabulary for every part of the system (wire, IPC, player).
 *
 * Codes are stable strings: clients branch on `code`, never on `message`. The HTTP status of
 * each code lives here too so that the server and its clients agree on it. Adding a code is a
 * contract change: append, never rename.
 */

/** Every error code the system can put on the wire, with its HTTP status. */
export const ERROR_STATUS = {
  /** The request is malformed: schema validation failed. */
  VALIDATION_FAILED: 400,
  /** The body is not JSON or not parseable. */
  BAD_BODY: 400,
  /** A position or breakpoint is impossible (negative, past the end, wrong kind). */
  INVALID_POSITION: 400,
  /** No credential, or a credential that is unknown, revoked or expired. */
  UNAUTHENTICATED: 401,
  /** Login failed: unknown account or wrong password (deliberately not distinguished). */
  BAD_CREDENTIALS: 401,
  /** A play token is expired, tampered with, or issued for something else. */
  TOKEN_INVALID: 401,
  /** The caller is authenticated but may not do this. */
  FORBIDDEN: 403,
  /** The programme is not offered to this terminal type. */
  PROGRAM_NOT_ALLOWED: 403,
  /** Generic: the addressed resource does not exist (or is not the caller's). */
  NOT_FOUND: 404,
  /** The programme does not exist. */
  PROGRAM_NOT_FOUND: 404,
  /** The terminal does not exist or is not the caller's. */
  TERMINAL_NOT_FOUND: 404,
  /** The play session does not exist, is closed, or belongs to another terminal. */
  SESSION_NOT_FOUND: 404,
  /** The route does not exist. */
  ROUTE_NOT_FOUND: 404,
  /** The account name is taken. */
  ACCOUNT_EXISTS: 409,
  /** The body is larger than the server accepts. */
  BODY_TOO_LARGE: 413,
  /** The content type is not JSON. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Too many requests from this caller; retry after the stated time. */
  RATE_LIMITED: 429,
  /** Device linking: the user has not entered the code yet; poll again after the interval. */
  AUTHORIZATION_PENDING: 400,
  /** Device linking: polling faster than the stated interval; add 5 s to it. */
  SLOW_DOWN: 400,
  /** Device linking: the code is unknown, mistyped, or already used. */
  CODE_INVALID: 400,
  /** Device linking: the code expired; the TV must ask for a new one. */
  CODE_EXPIRED: 410,
  /**
   * The programme exists but its media cannot be served now: its files are missing on this
   * streaming cluster (deleted, not packaged yet), or its operator CDN does not answer.
   */
  MEDIA_UNAVAILABLE: 409,
  /** Account lifecycle: the current password given is wrong (nothing was changed). */
  WRONG_PASSWORD: 403,
  /** Registration is closed: only the server's owner creates accounts (or `--open-registration`). */
  REGISTRATION_CLOSED: 403,
  /** Only the server's owner (its first account) may do this. */
  OWNER_ONLY: 403,
  /** The current profile's maturity limit does not allow this programme (or it is unrated). */
  PROGRAM_RESTRICTED: 403,
  /** Profiles: the PIN given to choose a profile is wrong (retry; guesses are rate-limited). */
  PIN_WRONG: 403,
  /**
   * Profiles: too many wrong PINs for this profile (on any terminal); it is locked for the
   * `retryAfterSec` of the details (also Retry-After), unless chosen with the account password.
   */
  PIN_LOCKED: 429,
  /** Profiles: the profile does not exist or is not of this household. */
  PROFILE_NOT_FOUND: 404,
  /** Profiles: a household has at most 8 profiles, and at least one. */
  PROFILE_LIMIT: 409,
  /** Handoff: another terminal took this session over first (exactly one claim wins). */
  HANDOFF_TAKEN: 409,
  /** Handoff: a terminal cannot take over its own session. */
  HANDOFF_SELF: 409,
  /** Handoff: the session is another profile's; only the same profile may take it over. */
  HANDOFF_NOT_ALLOWED: 403,
  /** Handoff: the session has not reported its play token yet (just opened); retry shortly. */
  HANDOFF_NOT_READY: 409,
  /** Remote: the terminal that would carry the command out has no open push stream. */
  REMOTE_TARGET_OFFLINE: 409,
  /** Remote: the target did not answer in time (the command may or may not have been carried out). */
  REMOTE_NO_ANSWER: 409,
  /** Remote: the target refused; `details.reason` says why (not-playing, busy, not-allowed, …). */
  REMOTE_REFUSED: 409,
  /** Remote: this terminal may not command that session (another profile's, above its limit). */
  REMOTE_NOT_ALLOWED: 403,
  /** Remote: a terminal cannot remote-control its own session, nor play it on itself. */
  REMOTE_SELF: 409,
  /** Remote: no such command waiting for this terminal's answer (unknown, answered, or timed out). */
  REMOTE_COMMAND_NOT_FOUND: 404,
  /** An unexpected server fault; the body never says more. */
  INTERNAL: 500,
  /** A dependency (another role, the store) is unreachable; retry later. */
  UPSTREAM_UNAVAILABLE: 503,
  /** A conditional request's precondition (If-Match, If-Unmodified-Since) does not hold. */
  PRECONDITION_FAILED: 412,
  /** The server's storage is full: nothing was written (reads still work); retry once space is freed. */
  STORAGE_FULL: 507,
  /** The server's database is damaged: it refuses writes until restored (/healthz says how). */
  STORAGE_DAMAGED: 503,
  /**
   * The programme was withdrawn: its media library file was removed. It is out of the catalogue
   * and cannot be played; its viewing records stay until they age out, and it comes back with
   * them if the same file returns.
   */
  PROGRAM_WITHDRAWN: 410,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The error body every HTTP endpoint returns on failure. */
export interface ErrorBody {
  /** Stable machine-readable code. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show; never internals. */
  message: string;
  /** Optional structured detail (e.g. which field failed validation). */
  details?: unknown;
  /** On a server fault (5xx): the id it was logged under, for the user to quote (also `x-request-id`). */
  requestId?: string;
}

/** True when `value` is one of the known codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** An error carrying a stable code; thrown by domain code, mapped to a response by the edges. */
export class AppError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Optional structured detail for the client. */
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The wire body of this error. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The envelope used across IPC and other in-process boundaries (Signal's style). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Compile-time exhaustiveness check for `switch` over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
