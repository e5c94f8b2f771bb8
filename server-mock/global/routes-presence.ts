/**
 * Now playing routes (issue 15):
 * - `POST /global/v1/presence` (service credential): a cluster reports its sessions' changes;
 * - `GET /api/v1/presence` (terminal credential): the household's open sessions this terminal's
 *   profile may see, with global's clock so the terminal can advance positions locally.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PresenceList, PresenceReport, PresenceReportAnswer } from '../../common/protocol/presence.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { PresenceService } from './presence.ts';
import type { ProfileService } from './profiles-service.ts';

/** Options of the presence routes. */
export interface PresenceRoutesOptions {
  presence: PresenceService;
  profiles: ProfileService;
  auth: Authenticator;
}

export const presenceRoutes: FastifyPluginAsyncTypebox<PresenceRoutesOptions> = async (app, { presence, profiles, auth }) => {
  app.post(
    '/global/v1/presence',
    {
      onRequest: guard(auth, ['service']),
      schema: {
        tags: ['global'],
        summary: 'Report play-session changes (open, position, paused, ended) for now playing',
        security: security.service,
        body: PresenceReport,
        response: { 200: PresenceReportAnswer, ...errorResponses },
      },
    },
    async (req) => ({ applied: await presence.apply(req.body.updates) }),
  );

  app.get(
    '/api/v1/presence',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Now playing: the household’s open play sessions this terminal’s profile may see',
        security: security.terminal,
        response: { 200: PresenceList, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      await profiles.loadScope(p.terminal.id, p.userId);
      const scope = profiles.scopeOf(p.terminal.id, p.userId);
      const sessions = presence.list(p.userId, scope);
      // Under a maturity limit, what others play above it is not shown either.
      const limit = scope?.maturityLimit ?? null;
      const allowed = await Promise.all(sessions.map((s) => profiles.programAllowed(limit, s.programId)));
      return { sessions: sessions.filter((_, i) => allowed[i]), now: Date.now() };
    },
  );
};
