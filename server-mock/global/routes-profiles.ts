/**
 * Routes: household profiles ("Who's watching?"). Listing and choosing work for any terminal
 * of the household; managing profiles and the shared-history choice needs a user session (the
 * password) or a terminal whose current profile has no maturity limit — so a child's profile
 * cannot lift its own limit (give the adults' profiles a PIN so it cannot switch to them).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import { Id } from '../../common/protocol/model.ts';
import { AccountSettings, CreateProfileRequest, Profile, ProfileList, SelectProfileRequest, UpdateProfileRequest } from '../../common/protocol/profiles.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { isLoopbackHost } from '../demo/seed.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { Store } from '../store/types.ts';
import type { ProfileService } from './profiles-service.ts';

/** Options of the profile routes. */
export interface ProfileRoutesOptions {
  profiles: ProfileService;
  store: Store;
  auth: Authenticator;
  /** PIN attempts per IP per minute (on top of the per-profile limit). */
  authRateLimit: number;
}

export const profileRoutes: FastifyPluginAsyncTypebox<ProfileRoutesOptions> = async (app, { profiles, auth, authRateLimit }) => {
  const either = guard(auth, ['user', 'terminal']);
  const sec = [...security.user, ...security.terminal];
  const tags = ['accounts'];

  /** The household of a caller allowed to manage profiles. */
  async function manager(req: FastifyRequest): Promise<string> {
    const p = req.principal;
    if (p?.kind === 'user') return profiles.managerOf({ kind: 'user', userId: p.userId });
    if (p?.kind === 'terminal') return profiles.managerOf({ kind: 'terminal', userId: p.userId, terminalId: p.terminal.id });
    throw new AppError('UNAUTHENTICATED', 'A valid user or terminal credential is required');
  }
  const userOf = (req: FastifyRequest) => {
    const p = req.principal;
    if (p?.kind === 'user' || p?.kind === 'terminal') return { userId: p.userId, terminalId: p.kind === 'terminal' ? p.terminal.id : null };
    throw new AppError('UNAUTHENTICATED', 'A valid user or terminal credential is required');
  };
  const params = Type.Object({ profileId: Id });

  app.get(
    '/api/v1/profiles',
    { onRequest: either, schema: { tags, summary: 'The household’s profiles, and (for a terminal) who is watching on it', security: sec, response: { 200: ProfileList, ...errorResponses } } },
    async (req) => {
      const { userId, terminalId } = userOf(req);
      return profiles.list(userId, terminalId);
    },
  );

  app.post(
    '/api/v1/profiles',
    {
      onRequest: either,
      schema: { tags, summary: 'Add a profile (at most 8): name, language, optional 4-digit PIN and maturity limit', security: sec, body: CreateProfileRequest, response: { 201: Profile, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send(await profiles.create(await manager(req), req.body)),
  );

  app.patch(
    '/api/v1/profiles/:profileId',
    {
      onRequest: either,
      schema: { tags, summary: 'Change a profile (null clears language, PIN or limit)', security: sec, params, body: UpdateProfileRequest, response: { 200: Profile, ...errorResponses } },
    },
    async (req) => profiles.update(await manager(req), req.params.profileId, req.body),
  );

  app.delete(
    '/api/v1/profiles/:profileId',
    {
      onRequest: either,
      schema: { tags, summary: 'Delete a profile with its history and removals (never the last one)', security: sec, params, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await profiles.remove(await manager(req), req.params.profileId);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/terminals/current/profile',
    {
      config: { rateLimit: { max: authRateLimit, timeWindow: 60_000 } },
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags,
        summary: 'Choose who is watching on this terminal: the PIN if the profile has one (5 wrong in 15 min lock it for 15 min: PIN_LOCKED, Retry-After), or the account password',
        security: security.terminal,
        body: SelectProfileRequest,
        response: { 200: Profile, ...errorResponses },
      },
    },
    async (req) => {
      const { userId, terminal } = principalOf(req, 'terminal');
      const { pin, password } = req.body;
      return profiles.select(userId, terminal.id, req.body.profileId, { pin, password, fromThisMachine: isLoopbackHost(req.ip) });
    },
  );

  app.put(
    '/api/v1/account/settings',
    {
      onRequest: either,
      schema: { tags, summary: 'Household settings: shared history (every profile sees every profile’s history)', security: sec, body: AccountSettings, response: { 200: AccountSettings, ...errorResponses } },
    },
    async (req) => profiles.setShared(await manager(req), req.body.sharedHistory),
  );
};
