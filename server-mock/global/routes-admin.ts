/** Admin routes: catalogue management and aging on demand (admin token). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import { ProgramUpsertRequest, RetentionRunResponse } from '../../common/protocol/api.ts';
import { Program, ProgramId } from '../../common/protocol/model.ts';
import { guard, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { Store } from '../store/types.ts';
import type { HistoryService } from './history-service.ts';

/** Options of the admin routes. */
export interface AdminRoutesOptions {
  store: Store;
  history: HistoryService;
  auth: Authenticator;
  /** Called after the catalogue changed (pushes a `catalogue` event). */
  onCatalogueChange: () => void;
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, { store, history, auth, onCatalogueChange }) => {
  const adminGuard = guard(auth, ['admin']);
  const tags = ['admin'];

  app.get(
    '/admin/v1/programs',
    { onRequest: adminGuard, schema: { tags, summary: 'The whole catalogue', security: security.admin, response: { 200: Type.Object({ programs: Type.Array(Program) }), ...errorResponses } } },
    async () => ({ programs: await store.listPrograms() }),
  );

  app.put(
    '/admin/v1/programs',
    {
      onRequest: adminGuard,
      schema: { tags, summary: 'Insert or replace programmes by id (all or none)', security: security.admin, body: ProgramUpsertRequest, response: { 200: Type.Object({ upserted: Type.Integer() }), ...errorResponses } },
    },
    async (req) => {
      const ids = new Set(req.body.programs.map((p) => p.id));
      if (ids.size !== req.body.programs.length) throw new AppError('VALIDATION_FAILED', 'Programme ids must be unique in one request');
      await store.upsertPrograms(req.body.programs);
      onCatalogueChange();
      return { upserted: req.body.programs.length };
    },
  );

  app.delete(
    '/admin/v1/programs/:programId',
    {
      onRequest: adminGuard,
      schema: { tags, summary: 'Remove a programme and its history', security: security.admin, params: Type.Object({ programId: ProgramId }), response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      if (!(await store.deleteProgram(req.params.programId))) throw new AppError('PROGRAM_NOT_FOUND', 'Unknown programme');
      onCatalogueChange();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/admin/v1/retention/run',
    { onRequest: adminGuard, schema: { tags, summary: 'Age out old viewing records now (patent [0050])', security: security.admin, response: { 200: RetentionRunResponse, ...errorResponses } } },
    async () => history.runRetention(),
  );
};
