/** Routes: accounts, user sessions, terminals, who-am-I (`/api/v1`, user / terminal auth). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  Account,
  LoginRequest,
  RegisterRequest,
  RegisterTerminalRequest,
  RegisterTerminalResponse,
  RenameTerminalRequest,
  SessionResponse,
  WhoAmI,
} from '../../common/protocol/api.ts';
import { DeviceList, RegistrationPolicy } from '../../common/protocol/account.ts';
import type { ProfileService } from './profiles-service.ts';
import { isLoopbackHost } from '../demo/seed.ts';
import { Id, Terminal } from '../../common/protocol/model.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { AccountService } from './accounts-service.ts';

/** Options of the accounts routes. */
export interface AccountRoutesOptions {
  accounts: AccountService;
  profiles: ProfileService;
  auth: Authenticator;
  /** Attempts per IP per minute on register and login. */
  authRateLimit: number;
}

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts, profiles, auth, authRateLimit }) => {
  const rateLimit = { max: authRateLimit, timeWindow: 60_000 };
  const userGuard = guard(auth, ['user']);
  const tags = ['accounts'];

  // Anonymous (the first account, or open registration), or the owner's user session.
  const optionalUser = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.headers.authorization) await userGuard(req, reply);
  };
  app.post(
    '/api/v1/accounts',
    {
      config: { rateLimit },
      onRequest: optionalUser,
      schema: {
        tags,
        summary: 'Create an account: the first becomes the owner; then only the owner (its user session) unless --open-registration',
        security: [...security.user, {}],
        body: RegisterRequest,
        response: { 201: Account, ...errorResponses },
      },
    },
    async (req, reply) => {
      const createdBy = req.principal?.kind === 'user' ? req.principal.userId : null;
      return reply.code(201).send(await accounts.register(req.body.login, req.body.password, req.body.displayName, createdBy));
    },
  );

  app.get(
    '/api/v1/registration',
    { schema: { tags, summary: 'Whether anyone may create an account, and whether the server still needs its owner', response: { 200: RegistrationPolicy, ...errorResponses } } },
    async () => accounts.registrationPolicy(),
  );

  app.post(
    '/api/v1/sessions',
    {
      config: { rateLimit },
      schema: { tags, summary: 'Sign in (returns a user session token)', body: LoginRequest, response: { 201: SessionResponse, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send(await accounts.login(req.body.login, req.body.password, isLoopbackHost(req.ip))),
  );

  app.delete(
    '/api/v1/sessions/current',
    {
      onRequest: guard(auth, ['user', 'terminal']),
      schema: {
        tags,
        summary: 'Sign out: a user session ends; a terminal is signed out (credential, push streams, play sessions and tokens end at once; its history stays)',
        security: [...security.user, ...security.terminal],
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = req.principal;
      if (p?.kind === 'terminal') await accounts.signOutTerminal(p.userId, p.terminal.id);
      else await accounts.logout(principalOf(req, 'user').tokenHashSource);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      onRequest: guard(auth, ['user', 'terminal']),
      schema: { tags, summary: 'Who is calling (account, and terminal if a terminal credential)', security: [...security.user, ...security.terminal], response: { 200: WhoAmI, ...errorResponses } },
    },
    async (req) => {
      const p = req.principal;
      if (p?.kind === 'terminal') return { account: await accounts.account(p.userId), terminal: p.terminal };
      return { account: await accounts.account(principalOf(req, 'user').userId), terminal: null };
    },
  );

  app.post(
    '/api/v1/terminals',
    {
      onRequest: userGuard,
      schema: { tags, summary: 'Register a terminal (credential shown once)', security: security.user, body: RegisterTerminalRequest, response: { 201: RegisterTerminalResponse, ...errorResponses } },
    },
    async (req, reply) => {
      const { userId } = principalOf(req, 'user');
      return reply.code(201).send(await accounts.registerTerminal(userId, req.body.name, req.body.type));
    },
  );

  // The Devices screen works from any signed-in device (a PC or TV holds only its terminal
  // credential); changing devices needs a manager (user session, or an unrestricted profile).
  const either = guard(auth, ['user', 'terminal']);
  const both = [...security.user, ...security.terminal];
  const managerOf = (req: FastifyRequest): Promise<string> => {
    const p = req.principal;
    if (p?.kind === 'terminal') return profiles.managerOf({ kind: 'terminal', userId: p.userId, terminalId: p.terminal.id });
    return profiles.managerOf({ kind: 'user', userId: principalOf(req, 'user').userId });
  };
  app.get(
    '/api/v1/terminals',
    {
      onRequest: either,
      schema: { tags, summary: 'The household’s signed-in terminals: name, type, last seen, current profile, what each plays now', security: both, response: { 200: DeviceList, ...errorResponses } },
    },
    async (req) => {
      const p = req.principal;
      return { terminals: await accounts.listDevices(p?.kind === 'terminal' ? p.userId : principalOf(req, 'user').userId) };
    },
  );

  const params = Type.Object({ terminalId: Id });
  app.patch(
    '/api/v1/terminals/:terminalId',
    {
      onRequest: either,
      schema: { tags, summary: 'Rename a terminal of the household and/or change its type (its catalogue follows)', security: both, params, body: RenameTerminalRequest, response: { 200: Terminal, ...errorResponses } },
    },
    async (req) => accounts.renameTerminal(await managerOf(req), req.params.terminalId, req.body),
  );

  app.delete(
    '/api/v1/terminals/:terminalId',
    {
      onRequest: either,
      schema: {
        tags,
        summary: 'Remove a terminal of the household (this one too): every credential derived from it ends at once (push, play sessions, play tokens); its history goes',
        security: both,
        params,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await accounts.removeTerminal(await managerOf(req), req.params.terminalId);
      return reply.code(204).send(null);
    },
  );
};
