/**
 * Linking a TV to an account (the OAuth 2.0 device-authorization pattern, RFC 8628): the TV
 * asks for a code pair, shows the short user code (and a QR code of the link page); the user,
 * signed in on a PC or phone, enters it; the TV, polling at the stated interval, receives its
 * terminal credential. Nobody types a password with a remote.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Account } from './api.ts';
import { Terminal, TerminalName, TerminalType } from './model.ts';

/** The user code as shown: 8 letters from a vowel-free alphabet, grouped `XXXX-XXXX`. */
export const UserCode = Type.String({ minLength: 8, maxLength: 12, pattern: '^[A-Za-z]{4}[- ]?[A-Za-z]{4}$' });

/** `POST /api/v1/device/authorize` (no credential: the TV has none yet). */
export const DeviceAuthorizeRequest = Type.Object(
  { name: Type.Optional(TerminalName), type: Type.Optional(TerminalType) },
  { additionalProperties: false },
);
export type DeviceAuthorizeRequest = Static<typeof DeviceAuthorizeRequest>;

export const DeviceAuthorizeResponse = Type.Object({
  /** Secret the TV polls with; never shown. */
  deviceCode: Type.String(),
  /** Shown on screen, typed by the user. */
  userCode: Type.String(),
  /** The link page to open on another device. */
  verificationUri: Type.String(),
  /** The link page with the code filled in (for the QR code). */
  verificationUriComplete: Type.String(),
  /** Seconds until the codes expire. */
  expiresIn: Type.Integer(),
  /** Seconds to wait between polls. */
  interval: Type.Integer(),
});
export type DeviceAuthorizeResponse = Static<typeof DeviceAuthorizeResponse>;

/** `POST /api/v1/device/token`: the TV polls. */
export const DeviceTokenRequest = Type.Object({ deviceCode: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false });
export type DeviceTokenRequest = Static<typeof DeviceTokenRequest>;

/** Success: the TV is now a terminal of the account; the credential is shown once. */
export const DeviceTokenResponse = Type.Object({ terminal: Terminal, credential: Type.String(), account: Account });
export type DeviceTokenResponse = Static<typeof DeviceTokenResponse>;

/** `POST /api/v1/device/link`: the signed-in user enters the code shown on the TV. */
export const DeviceLinkRequest = Type.Object(
  { userCode: UserCode, name: Type.Optional(TerminalName) },
  { additionalProperties: false },
);
export type DeviceLinkRequest = Static<typeof DeviceLinkRequest>;

export const DeviceLinkResponse = Type.Object({ terminalName: TerminalName, terminalType: TerminalType });
export type DeviceLinkResponse = Static<typeof DeviceLinkResponse>;
