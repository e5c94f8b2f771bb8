/**
 * Household profiles ("Who's watching?") in the public HTTP contract. An account is a
 * household; it has 1–8 profiles (people), each with its own viewing history, Continue-watching
 * row and removals, a language, and optionally a 4-digit PIN and a maturity limit. A terminal
 * belongs to the household and has a current profile, remembered per terminal. History
 * records still name their terminal and its type; the lookup is household → profile → the
 * records of all the household's terminals for that profile (or of every profile when the
 * household chose shared history).
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { AgeRating, EpochMillis, Id, LanguageTag, SHOWN_TEXT_PATTERN } from './model.ts';

/** Most profiles a household may have. */
export const MAX_PROFILES = 8;

/** A profile's display name. */
export const ProfileName = Type.String({ minLength: 1, maxLength: 40, pattern: SHOWN_TEXT_PATTERN });
/** A profile PIN: exactly four digits. */
export const ProfilePin = Type.String({ pattern: '^[0-9]{4}$' });

/** One profile as terminals see it (never the PIN itself). */
export const Profile = Type.Object({
  id: Id,
  name: ProfileName,
  /** Preferred UI / catalogue language (BCP-47), null = the terminal's own. */
  language: Type.Union([LanguageTag, Type.Null()]),
  /** Choosing this profile asks for its PIN. */
  hasPin: Type.Boolean(),
  /** Highest programme age rating this profile may list and play; null = no limit. Unrated programmes are not allowed under a limit. */
  maturityLimit: Type.Union([AgeRating, Type.Null()]),
  createdAt: EpochMillis,
});
export type Profile = Static<typeof Profile>;

/** `GET /api/v1/profiles`. */
export const ProfileList = Type.Object({
  profiles: Type.Array(Profile),
  /** The calling terminal's current profile (null with a user session). */
  currentProfileId: Type.Union([Id, Type.Null()]),
  /** Every profile sees every profile's history (the household's choice). */
  sharedHistory: Type.Boolean(),
});
export type ProfileList = Static<typeof ProfileList>;

/** `POST /api/v1/profiles`. */
export const CreateProfileRequest = Type.Object(
  {
    name: ProfileName,
    language: Type.Optional(Type.Union([LanguageTag, Type.Null()])),
    pin: Type.Optional(Type.Union([ProfilePin, Type.Null()])),
    maturityLimit: Type.Optional(Type.Union([AgeRating, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateProfileRequest = Static<typeof CreateProfileRequest>;

/** `PATCH /api/v1/profiles/:profileId`: only the fields given change; null clears. */
export const UpdateProfileRequest = Type.Object(
  {
    name: Type.Optional(ProfileName),
    language: Type.Optional(Type.Union([LanguageTag, Type.Null()])),
    pin: Type.Optional(Type.Union([ProfilePin, Type.Null()])),
    maturityLimit: Type.Optional(Type.Union([AgeRating, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProfileRequest = Static<typeof UpdateProfileRequest>;

/** `PUT /api/v1/terminals/current/profile`: who is watching on this terminal. */
export const SelectProfileRequest = Type.Object(
  {
    profileId: Id,
    pin: Type.Optional(ProfilePin),
    /** The account's password instead of the PIN: the owner's way in, also past a lock. */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type SelectProfileRequest = Static<typeof SelectProfileRequest>;

/** `PUT /api/v1/account/settings` (user session: the household's password holder). */
export const AccountSettings = Type.Object({ sharedHistory: Type.Boolean() }, { additionalProperties: false });
export type AccountSettings = Static<typeof AccountSettings>;
