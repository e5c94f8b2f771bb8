/**
 * Routes: the account lifecycle (`/api/v1/account/…`): change the password, sign out
 * everywhere, delete the account, export my data. Each accepts a user session or a terminal
 * credential (a signed-in PC or phone need not sign in again), and the ones that check a
 * password are rate-limited like sign-in.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  AccountExport,
  ChangePasswordRequest,
  DeleteAccountRequest,
  DeleteAccountResponse,
  RevocationSummary,
} from '../../common/protocol/account.ts';
import { AppError } from '../../common/errors.ts';
import { guard, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { AccountService, Caller } from './accounts-service.ts';

/** Options of the lifecycle routes. */
export interface LifecycleRoutesOptions {
  accounts: AccountService;
  auth: Authenticator;
  /** Password-checking attempts per IP per minute. */
  authRateLimit: number;
}

/** The caller as the account service needs it. */
function callerOf(req: FastifyRequest): Caller {
  const p = req.principal;
  if (p?.kind === 'user') return { userId: p.userId, sessionToken: p.tokenHashSource, terminalId: null };
  if (p?.kind === 'terminal') return { userId: p.userId, sessionToken: null, terminalId: p.terminal.id };
  throw new AppError('UNAUTHENTICATED', 'A valid user or terminal credential is required');
}

export const lifecycleRoutes: FastifyPluginAsyncTypebox<LifecycleRoutesOptions> = async (app, { accounts, auth, authRateLimit }) => {
  const rateLimit = { max: authRateLimit, timeWindow: 60_000 };
  const either = guard(auth, ['user', 'terminal']);
  const sec = [...security.user, ...security.terminal];
  const tags = ['accounts'];

  app.post(
    '/api/v1/account/password',
    {
      config: { rateLimit },
      onRequest: either,
      schema: {
        tags,
        summary: 'Change the password (the old one required): every other session ends; every other terminal is signed out unless signOutTerminals is false',
        security: sec,
        body: ChangePasswordRequest,
        response: { 200: RevocationSummary, ...errorResponses },
      },
    },
    async (req) =>
      accounts.changePassword(callerOf(req), req.body.oldPassword, req.body.newPassword, {
        signOutTerminals: req.body.signOutTerminals,
        keepTerminalId: req.body.keepTerminalId,
      }),
  );

  app.post(
    '/api/v1/account/sign-out-everywhere',
    {
      onRequest: either,
      schema: {
        tags,
        summary: 'Sign out everywhere: every user session and every terminal of the account, this one too',
        security: sec,
        response: { 200: RevocationSummary, ...errorResponses },
      },
    },
    async (req) => accounts.signOutEverywhere(callerOf(req).userId),
  );

  app.post(
    '/api/v1/account/delete',
    {
      config: { rateLimit },
      onRequest: either,
      schema: {
        tags,
        summary: 'Delete the account (password required): users, terminals, history, sessions, device codes, all in one transaction',
        security: sec,
        body: DeleteAccountRequest,
        response: { 200: DeleteAccountResponse, ...errorResponses },
      },
    },
    async (req) => accounts.deleteAccount(callerOf(req).userId, req.body.password),
  );

  app.get(
    '/api/v1/account/export',
    {
      onRequest: either,
      schema: {
        tags,
        summary: 'Export my data: the account, its terminals (signed-out ones too) and viewing history, as JSON',
        security: sec,
        response: { 200: AccountExport, ...errorResponses },
      },
    },
    async (req, reply) => {
      const data = await accounts.exportData(callerOf(req).userId);
      reply.header('content-disposition', `attachment; filename="resume-anywhere-export-${new Date(data.exportedAt).toISOString().slice(0, 10)}.json"`);
      reply.header('cache-control', 'no-store');
      return data;
    },
  );
};
