/**
 * Routes of the viewing history and catalogue queries:
 * - `POST /global/v1/history`   a streaming cluster's report (ms2 / ms4; service auth)
 * - `POST /api/v1/history/sync` a terminal's own offline outbox (terminal auth)
 * - `GET  /global/v1/programs`  a portal's query (ms1 / ms3; service auth)
 * - `POST /global/v1/terminals/introspect` a portal/cluster checks a terminal credential
 * - `DELETE /api/v1/continue-watching/:programId` "Remove from row" (terminal auth)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import { ClusterReportBatch, ProgramsAnswer, ReportResults, SyncRequest } from '../../common/protocol/api.ts';
import { EpochMillis, Id, ProgramId, Terminal } from '../../common/protocol/model.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { AccountService } from './accounts-service.ts';
import type { HistoryService } from './history-service.ts';

/** Options of the history routes. */
export interface HistoryRoutesOptions {
  history: HistoryService;
  accounts: AccountService;
  auth: Authenticator;
}

/** Reply of the introspection endpoint (RFC 7662 style: inactive says nothing more). */
export const IntrospectAnswer = Type.Union([
  Type.Object({ active: Type.Literal(true), userId: Id, terminal: Terminal }),
  Type.Object({ active: Type.Literal(false) }),
]);

export const historyRoutes: FastifyPluginAsyncTypebox<HistoryRoutesOptions> = async (app, { history, accounts, auth }) => {
  const serviceGuard = guard(auth, ['service']);
  const terminalGuard = guard(auth, ['terminal']);

  app.post(
    '/global/v1/history',
    {
      onRequest: serviceGuard,
      schema: {
        tags: ['global'],
        summary: 'Report terminals’ viewing-history records (patent ms2/ms4). Idempotent by reportId; all or none.',
        security: security.service,
        body: ClusterReportBatch,
        response: { 200: ReportResults, ...errorResponses },
      },
    },
    async (req) => {
      const { serviceId } = principalOf(req, 'service');
      return history.ingest({ kind: 'cluster', clusterId: serviceId }, req.body.sentAt, req.body.reports);
    },
  );

  app.post(
    '/api/v1/history/sync',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['history'],
        summary: 'Upload breakpoints this terminal kept while offline. Idempotent by reportId; all or none.',
        security: security.terminal,
        body: SyncRequest,
        response: { 200: ReportResults, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      return history.ingest({ kind: 'terminal', userId: p.userId, terminalId: p.terminal.id }, req.body.sentAt, req.body.reports);
    },
  );

  app.get(
    '/global/v1/programs',
    {
      onRequest: serviceGuard,
      schema: {
        tags: ['global'],
        summary: 'Catalogue (filtered by the terminal’s type) and the history of all terminals of its user (patent ms1/ms3)',
        security: security.service,
        querystring: Type.Object(
          {
            terminalId: Type.Optional(Id),
            /** `false`: the terminal's catalogue only (no history read; `history` and `hidden` empty). */
            history: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProgramsAnswer, ...errorResponses },
      },
    },
    async (req) => history.programsFor(req.query.terminalId, { history: req.query.history }),
  );

  app.post(
    '/global/v1/terminals/introspect',
    {
      onRequest: serviceGuard,
      schema: {
        tags: ['global'],
        summary: 'Check a terminal credential for a portal or streaming cluster',
        security: security.service,
        body: Type.Object({ credential: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: IntrospectAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const id = await accounts.authenticateTerminal(req.body.credential);
      if (id) await accounts.noteSeen(id.terminal.id, id.terminal.lastSeenAt);
      return id ? { active: true as const, userId: id.userId, terminal: id.terminal } : { active: false as const };
    },
  );

  app.get(
    '/global/v1/terminals/:terminalId',
    {
      onRequest: serviceGuard,
      schema: {
        tags: ['global'],
        summary: 'A terminal and its user, for a streaming cluster admitting a play token’s bearer',
        security: security.service,
        params: Type.Object({ terminalId: Id }),
        response: { 200: Type.Object({ userId: Id, terminal: Terminal }), ...errorResponses },
      },
    },
    async (req) => {
      const id = await accounts.terminalById(req.params.terminalId);
      if (!id) throw new AppError('TERMINAL_NOT_FOUND', 'Unknown terminal');
      return id;
    },
  );

  app.delete(
    '/api/v1/continue-watching/:programId',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['history'],
        summary: 'Remove a programme from the current profile’s Continue watching until it is played again',
        security: security.terminal,
        params: Type.Object({ programId: ProgramId }),
        response: { 200: Type.Object({ programId: ProgramId, hiddenAt: EpochMillis }), ...errorResponses },
      },
    },
    async (req) => {
      const { userId, terminal } = principalOf(req, 'terminal');
      return { programId: req.params.programId, hiddenAt: await history.hide(userId, terminal.id, req.params.programId) };
    },
  );
};
