/**
 * The portal role (门户服务器, P1, P2 …): builds a terminal's home page. It authenticates the
 * terminal through global, asks global for the catalogue of the terminal's type and the
 * history of all the user's terminals (ms1/ms3), and applies the resume rules (common/home.ts).
 *
 * The home page comes in two parts: the home document (`/portal/v2/home`: what is per profile
 * and changes all the time) carries the version of the catalogue (`/portal/v1/catalogue`: the
 * same for every terminal of a type and limit, and rarely changes), which a terminal keeps and
 * revalidates (ETag, 304). `/portal/v1/home` (everything inlined) stays for one release.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import fastifyCompress from '@fastify/compress';
import Type from 'typebox';
import { CATALOGUE_PAGE_MAX, CatalogueQuery, CataloguePage, HomeDocument, HomePage } from '../../common/protocol/api.ts';
import type { Terminal } from '../../common/protocol/model.ts';
import { buildHomeRows } from '../../common/home.ts';
import { compactHome } from '../../common/home-document.ts';
import type { ResumeRules } from '../../common/resume.ts';
import type { GlobalClient } from '../global-client.ts';
import type { RevocationSource } from '../revocation-feed.ts';
import { guard, principalOf } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import { catalogueEntry, catalogueEtag, cataloguePageBody, matchesIfNoneMatch, type ProgramsSerializer } from './catalogue-cache.ts';

/** Options of the portal plugin. */
export interface PortalPluginOptions {
  client: GlobalClient;
  rules: ResumeRules;
  portalId: string;
  /** A revoked terminal gets no page even while an introspection of it is cached. */
  revocations: RevocationSource;
}

const EMPTY_CATALOGUE = '"catalogue":[]';

/** The route's serializer for a list of programmes (the same schema as the page's catalogue). */
function programsSerializer(reply: FastifyReply): ProgramsSerializer {
  const schema = HomePage.properties.catalogue as unknown as Record<string, unknown>;
  return reply.compileSerializationSchema(schema) as unknown as ProgramsSerializer;
}

/**
 * The page as the route's own response serializer writes it, as UTF-8 bytes, with the
 * catalogue's JSON reused (catalogue-cache.ts): the page is serialised with an empty catalogue
 * and the catalogue's JSON (from the same schema) is put in its place — the same bytes as
 * serialising the whole page (portal/home-json.test.ts). `"catalogue":[]` cannot occur after
 * the top-level key: what follows it (progress, generatedAt, portalId) has no such key, and
 * quotes inside strings are escaped. Why: docs/BENCHMARKS.md (the catalogue was most of a
 * page's serialising and encoding).
 */
export function homePageJson(reply: FastifyReply, page: HomePage): Buffer {
  const serialize = reply.getSerializationFunction('200') as ((p: HomePage) => string) | undefined;
  if (!serialize) return Buffer.from(JSON.stringify(page));
  const { json } = catalogueEntry(page.catalogue, programsSerializer(reply));
  const rest = serialize({ ...page, catalogue: [] });
  const at = rest.lastIndexOf(EMPTY_CATALOGUE);
  return Buffer.from(`${rest.slice(0, at)}"catalogue":${json}${rest.slice(at + EMPTY_CATALOGUE.length)}`);
}

/** The content codings @fastify/compress may apply, which a strong entity tag must tell apart. */
const ENCODED = /^(gzip|br|deflate|zstd)$/;

export const portalPlugin: FastifyPluginAsyncTypebox<PortalPluginOptions> = async (app, { client, rules, portalId, revocations }) => {
  // Compressed when the client accepts it (gzip, br …; small bodies are not); this plugin's routes only.
  await app.register(fastifyCompress, { threshold: 1024 });
  // A strong entity tag names one representation: a compressed body's tag carries its coding
  // (as Apache's mod_deflate does). Added after compression's own onSend (route-level hooks run
  // in the order they were added, and compression adds its own when a route is added).
  app.addHook('onRoute', (route) => {
    const tagCoding = async (_req: unknown, reply: FastifyReply, payload: unknown) => {
      const etag = reply.getHeader('etag');
      const coding = reply.getHeader('content-encoding');
      if (typeof etag === 'string' && typeof coding === 'string' && ENCODED.test(coding)) reply.header('etag', `${etag.slice(0, -1)}-${coding}"`);
      return payload;
    };
    route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), tagCoding];
  });

  const terminalGuard = guard(
    {
      terminal: async (credential) => {
        const id = await client.introspect(credential);
        return id && !revocations.isRevoked(id.terminal.id, id.userId) ? id : null;
      },
    },
    ['terminal'],
  );

  /** What both home routes build: the rows over the terminal's catalogue and its user's history. */
  async function homeParts(terminal: Terminal) {
    const answer = await client.programs(terminal.id);
    const now = Date.now();
    // A signed-out terminal's records stay (resume from its point), its dead play token does not.
    const history = answer.history.map((r) => (r.playToken && revocations.isRevoked(r.terminalId, null) ? { ...r, playToken: undefined } : r));
    const { continueWatching, progress } = buildHomeRows({ programs: answer.programs, history, hidden: answer.hidden, terminalType: terminal.type, rules, now });
    return {
      programs: answer.programs,
      continueWatching,
      progress,
      now,
      ...(answer.profile ? { profile: answer.profile } : {}),
    };
  }

  app.get(
    '/portal/v1/home',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['portal'],
        summary: 'Deprecated (kept for one release; use /portal/v2/home and /portal/v1/catalogue): the home page with the whole catalogue inlined',
        deprecated: true,
        security: security.terminal,
        response: { 200: HomePage, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { terminal } = principalOf(req, 'terminal');
      const { programs, continueWatching, progress, now, profile } = await homeParts(terminal);
      reply.header('cache-control', 'no-store');
      const page: HomePage = { terminal, continueWatching, catalogue: programs, progress, generatedAt: now, portalId, ...(profile ? { profile } : {}) };
      // Already JSON bytes (see homePageJson): sent as is, with the content type a serialised reply gets.
      reply.type('application/json; charset=utf-8');
      return homePageJson(reply, page) as unknown as HomePage;
    },
  );

  app.get(
    '/portal/v2/home',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['portal'],
        summary: 'The calling terminal’s home document: Continue watching across all my terminals, progress, who is watching, and the version of my catalogue (fetch GET /portal/v1/catalogue only when it changed)',
        security: security.terminal,
        response: { 200: HomeDocument, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { terminal, userId } = principalOf(req, 'terminal');
      const { programs, continueWatching, progress, now, profile } = await homeParts(terminal);
      const { version, total } = catalogueEntry(programs, programsSerializer(reply));
      reply.header('cache-control', 'no-store');
      const page = { terminal, continueWatching, progress, generatedAt: now, portalId, ...(profile ? { profile } : {}) };
      const doc: HomeDocument = compactHome(page, userId, { version, total });
      return doc;
    },
  );

  app.get(
    '/portal/v1/catalogue',
    {
      onRequest: terminalGuard,
      schema: {
        tags: ['portal'],
        summary: 'One page of the calling terminal’s catalogue (its type, within its current profile’s maturity limit). Strong ETag; 304 on If-None-Match revalidation',
        security: security.terminal,
        querystring: CatalogueQuery,
        response: { 200: CataloguePage, 304: Type.Null({ description: 'Not modified: the catalogue page named by If-None-Match is still current' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { terminal } = principalOf(req, 'terminal');
      const { offset = 0, limit = CATALOGUE_PAGE_MAX } = req.query;
      const { programs } = await client.programs(terminal.id, { history: false });
      const serialize = programsSerializer(reply);
      const entry = catalogueEntry(programs, serialize);
      const etag = catalogueEtag(entry.version, offset, limit);
      // Private: the list depends on the caller's profile. no-cache: reuse only after revalidating.
      reply.header('cache-control', 'private, no-cache');
      reply.header('etag', etag);
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send(null);
      reply.type('application/json; charset=utf-8');
      return cataloguePageBody(programs, entry, offset, limit, serialize) as unknown as CataloguePage;
    },
  );
};
