/**
 * Handoff routes (issue 15, step 2 "Continue here"):
 * - `POST /api/v1/handoff/claim` (terminal credential): take over a session of this household
 *   and profile; the winner gets the point and the play token to be admitted with, a loser
 *   `HANDOFF_TAKEN` (global/handoff.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HandoffClaim, HandoffClaimRequest } from '../../common/protocol/handoff.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { HandoffService } from './handoff.ts';

/** Options of the handoff routes. */
export interface HandoffRoutesOptions {
  handoff: HandoffService;
  auth: Authenticator;
}

export const handoffRoutes: FastifyPluginAsyncTypebox<HandoffRoutesOptions> = async (app, { handoff, auth }) => {
  app.post(
    '/api/v1/handoff/claim',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Continue here: take over a session another terminal of this profile is playing (one claim wins)',
        description:
          'Answers where to start (the other terminal’s position now) and its play token, to present to ' +
          '`POST /stream/v1/play` with `handoff: true`. The other terminal is told with a `handoff` push event and ' +
          'its stop is recorded at the point. Errors: SESSION_NOT_FOUND, HANDOFF_TAKEN (another terminal won), ' +
          'HANDOFF_SELF, HANDOFF_NOT_ALLOWED (another profile’s session), HANDOFF_NOT_READY (retry).',
        security: security.terminal,
        body: HandoffClaimRequest,
        response: { 200: HandoffClaim, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      return handoff.claim({ userId: p.userId, terminal: p.terminal }, req.body.sessionId);
    },
  );
};
