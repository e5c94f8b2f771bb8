/**
 * The portal role (门户服务器, P1, P2 …): builds a terminal's home page. It authenticates the
 * terminal through global, asks global for the catalogue of the terminal's type and the
 * history of all the user's terminals (ms1/ms3), and applies the resume rules (common/home.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HomePage } from '../../common/protocol/api.ts';
import { buildContinueWatching, buildProgress } from '../../common/home.ts';
import type { ResumeRules } from '../../common/resume.ts';
import type { GlobalClient } from '../global-client.ts';
import { guard, principalOf } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';

/** Options of the portal plugin. */
export interface PortalPluginOptions {
  client: GlobalClient;
  rules: ResumeRules;
  portalId: string;
}

export const portalPlugin: FastifyPluginAsyncTypebox<PortalPluginOptions> = async (app, { client, rules, portalId }) => {
  const terminalGuard = guard({ terminal: (credential) => client.introspect(credential) }, ['terminal']);

  app.get(
    '/portal/v1/home',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['portal'],
        summary: 'The calling terminal’s home page: Continue watching across all my terminals, and the catalogue for my type',
        security: security.terminal,
        response: { 200: HomePage, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { terminal } = principalOf(req, 'terminal');
      const answer = await client.programs(terminal.id);
      const now = Date.now();
      const base = { programs: answer.programs, history: answer.history, terminalType: terminal.type, rules, now };
      reply.header('cache-control', 'no-store');
      return {
        terminal,
        continueWatching: buildContinueWatching({ ...base, hidden: answer.hidden }),
        catalogue: answer.programs,
        progress: buildProgress(base),
        generatedAt: now,
        portalId,
      };
    },
  );
};
