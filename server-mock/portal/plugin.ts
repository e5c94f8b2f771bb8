/**
 * The portal role (门户服务器, P1, P2 …): builds a terminal's home page. It authenticates the
 * terminal through global, asks global for the catalogue of the terminal's type and the
 * history of all the user's terminals (ms1/ms3), and applies the resume rules (common/home.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import { buildContinueWatching, buildProgress } from '../../common/home.ts';
import type { ResumeRules } from '../../common/resume.ts';
import type { GlobalClient } from '../global-client.ts';
import type { RevocationSource } from '../revocation-feed.ts';
import { guard, principalOf } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';

/** Options of the portal plugin. */
export interface PortalPluginOptions {
  client: GlobalClient;
  rules: ResumeRules;
  portalId: string;
  /** A revoked terminal gets no page even while an introspection of it is cached. */
  revocations: RevocationSource;
}

/**
 * The catalogue's JSON, encoded once per catalogue array. The catalogue is about two thirds of a
 * home page's bytes and the same for every terminal of a type until it changes; an in-process
 * global hands out the same frozen array until then. (A catalogue from an HTTP global is a new
 * array every time, and is simply serialised every time.)
 */
const catalogueBytes = new WeakMap<readonly Program[], Buffer>();
const EMPTY_CATALOGUE = '"catalogue":[]';

/**
 * The page as the route's own response serializer writes it, as UTF-8 bytes, with the
 * catalogue's bytes reused: the page is serialised with an empty catalogue and the catalogue's
 * JSON (from the same schema) is put in its place — the same bytes as serialising the whole page
 * (portal/home-json.test.ts). `"catalogue":[]` cannot occur after the top-level key: what
 * follows it (progress, generatedAt, portalId) has no such key, and quotes inside strings are
 * escaped. Why: docs/BENCHMARKS.md (the catalogue was most of a page's serialising and encoding).
 */
export function homePageJson(reply: FastifyReply, page: HomePage): Buffer {
  const serialize = reply.getSerializationFunction('200') as ((p: HomePage) => string) | undefined;
  if (!serialize) return Buffer.from(JSON.stringify(page));
  const catalogue = page.catalogue;
  let bytes = catalogueBytes.get(catalogue);
  if (bytes === undefined) {
    const schema = HomePage.properties.catalogue as unknown as Record<string, unknown>;
    const json = (reply.compileSerializationSchema(schema) as unknown as (c: readonly Program[]) => string)(catalogue);
    bytes = Buffer.from(`"catalogue":${json}`);
    // Only a catalogue that can never change (the store's: frozen, down to every programme) is kept.
    if (Object.isFrozen(catalogue) && catalogue.every((p) => Object.isFrozen(p))) catalogueBytes.set(catalogue, bytes);
  }
  const rest = serialize({ ...page, catalogue: [] });
  const at = rest.lastIndexOf(EMPTY_CATALOGUE);
  return Buffer.concat([Buffer.from(rest.slice(0, at)), bytes, Buffer.from(rest.slice(at + EMPTY_CATALOGUE.length))]);
}

export const portalPlugin: FastifyPluginAsyncTypebox<PortalPluginOptions> = async (app, { client, rules, portalId, revocations }) => {
  const terminalGuard = guard(
    {
      terminal: async (credential) => {
        const id = await client.introspect(credential);
        return id && !revocations.isRevoked(id.terminal.id, id.userId) ? id : null;
      },
    },
    ['terminal'],
  );

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
      // A signed-out terminal's records stay (resume from its point), its dead play token does not.
      const history = answer.history.map((r) => (r.playToken && revocations.isRevoked(r.terminalId, null) ? { ...r, playToken: undefined } : r));
      const base = { programs: answer.programs, history, terminalType: terminal.type, rules, now };
      reply.header('cache-control', 'no-store');
      const page: HomePage = {
        terminal,
        continueWatching: buildContinueWatching({ ...base, hidden: answer.hidden }),
        catalogue: answer.programs,
        progress: buildProgress(base),
        generatedAt: now,
        portalId,
        ...(answer.profile ? { profile: answer.profile } : {}),
      };
      // Already JSON bytes (see homePageJson): sent as is, with the content type a serialised reply gets.
      reply.type('application/json; charset=utf-8');
      return homePageJson(reply, page) as unknown as HomePage;
    },
  );
};
