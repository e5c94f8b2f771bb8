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
  TerminalList,
  WhoAmI,
} from '../../common/protocol/api.ts';
import { RegistrationPolicy } from '../../common/protocol/account.ts';
import { Id, Terminal } from '../../common/protocol/model.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { AccountService } from './accounts-service.ts';

/** Options of the accounts routes. */
export interface AccountRoutesOptions {
  accounts: AccountService;
  auth: Authenticator;
  /** Attempts per IP per minute on register and login. */
  authRateLimit: number;
}

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts, auth, authRateLimit }) => {
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
    async (req, reply) => reply.code(201).send(await accounts.login(req.body.login, req.body.password)),
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

  app.get(
    '/api/v1/terminals',
    { onRequest: userGuard, schema: { tags, summary: 'List my terminals', security: security.user, response: { 200: TerminalList, ...errorResponses } } },
    async (req) => ({ terminals: await accounts.listTerminals(principalOf(req, 'user').userId) }),
  );

  const params = Type.Object({ terminalId: Id });
  app.patch(
    '/api/v1/terminals/:terminalId',
    {
      onRequest: userGuard,
      schema: { tags, summary: 'Rename my terminal', security: security.user, params, body: RenameTerminalRequest, response: { 200: Terminal, ...errorResponses } },
    },
    async (req) => accounts.renameTerminal(principalOf(req, 'user').userId, req.params.terminalId, req.body.name),
  );

  app.delete(
    '/api/v1/terminals/:terminalId',
    {
      onRequest: userGuard,
      schema: { tags, summary: 'Remove my terminal: every credential derived from it ends at once (push, play sessions, play tokens); its history goes', security: security.user, params, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await accounts.removeTerminal(principalOf(req, 'user').userId, req.params.terminalId);
      return reply.code(204).send(null);
    },
  );
};
