/**
 * Every public route, driven from its own OpenAPI description, with input an attacker or a
 * broken client sends: wrong JSON types in every body field, absurd numbers, very long and
 * control-character strings, prototype-pollution keys, deep nesting, invalid JSON, the wrong
 * content type, odd path and query parameters — each with the route's real credential (so the
 * request reaches the handler) and with none or another kind's. Whatever comes in, the answer
 * is never a 5xx, and a refusal is JSON with a stable `code` and a `message`.
 *
 * Deterministic (a fixed list of mutations, no random generator), so a failure names the exact
 * request to replay. A fresh account per route: some requests are valid and revoke (sign out
 * everywhere, delete an account), which must not starve the routes after them of credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_CATALOG_URL, readCatalogFile } from './demo/seed.ts';
import { addTerminal, ADMIN_TOKEN, SERVICE_AUTH, signUp, startTestServer, type TestServer } from './testing/harness.ts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  minProperties?: number;
  pattern?: string;
  $ref?: string;
};
interface Operation {
  method: string;
  path: string;
  security: string[];
  body: Schema | null;
  params: { in: string; name: string }[];
}

let s: TestServer;
let operations: Operation[] = [];
let components: Record<string, Schema> = {};
let catalogue: Awaited<ReturnType<typeof readCatalogFile>> = [];

beforeAll(async () => {
  // The demo catalogue: its media is on disk, so a play (and its session) is real.
  catalogue = await readCatalogFile(DEMO_CATALOG_URL);
  s = await startTestServer({}, catalogue);
  const doc = (await s.app.inject({ url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, { security?: Record<string, unknown>[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string }[] }>>;
    components?: { schemas?: Record<string, Schema> };
  }>();
  components = doc.components?.schemas ?? {};
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      security: (op.security ?? []).flatMap((sec) => Object.keys(sec)),
      body: op.requestBody?.content?.['application/json']?.schema ?? null,
      params: op.parameters ?? [],
    })),
  );
});
afterAll(async () => {
  await s.close();
});

const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(components[schema.$ref.split('/').pop() as string] ?? {}) : schema);

/** Real values for fields of these names, so that a well-formed request reaches its handler. */
let known: Record<string, unknown> = {};

/** A plausible value of `schema`: what a well-formed request would carry, as far as cheaply known. */
function sample(schema: Schema, depth = 0, name = ''): unknown {
  if (name in known) return known[name];
  const sc = resolve(schema);
  if (sc.const !== undefined) return sc.const;
  if (sc.enum) return sc.enum[0];
  const alt = sc.anyOf ?? sc.oneOf;
  if (alt?.[0]) return sample(alt[0], depth, name);
  const type = Array.isArray(sc.type) ? sc.type[0] : sc.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      const keys = [...(sc.required ?? [])];
      // A patch needs at least one field: the first ones it describes.
      for (const key of Object.keys(sc.properties ?? {})) if (keys.length < (sc.minProperties ?? 0) && !keys.includes(key)) keys.push(key);
      for (const key of keys) out[key] = sample(sc.properties?.[key] ?? {}, depth + 1, key);
      return out;
    }
    case 'array':
      return depth < 6 && sc.items ? Array.from({ length: Math.max(1, sc.minItems ?? 1) }, () => sample(sc.items as Schema, depth + 1)) : [];
    case 'string':
      // The id patterns ([A-Za-z0-9_-]{8,64} and the like) all accept 16 lowercase letters and digits.
      return sc.pattern ? 'fuzzabcd12345678' : 'x'.repeat(Math.max(1, sc.minLength ?? 1));
    case 'integer':
    case 'number':
      return sc.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** The fields to put wrong values in: each top-level one, and each of an object or first array item one level down. */
function fieldsOf(schema: Schema, base: unknown): { label: string; set: (wrong: unknown) => unknown }[] {
  const sc = resolve(schema);
  const out: { label: string; set: (wrong: unknown) => unknown }[] = [];
  const top = (base ?? {}) as Record<string, unknown>;
  for (const [key, child] of Object.entries(sc.properties ?? {})) {
    out.push({ label: key, set: (wrong) => ({ ...top, [key]: wrong }) });
    const c = resolve(child);
    const inner = c.type === 'array' && c.items ? resolve(c.items) : c;
    if (inner.type !== 'object' || !inner.properties) continue;
    // An optional object the sample left out is put in (its required fields) to reach its fields.
    const value = top[key] ?? (c.type === 'array' ? [sample(inner, 1)] : sample(inner, 1));
    const item = (Array.isArray(value) ? value[0] : value) as Record<string, unknown> | undefined;
    if (!item || typeof item !== 'object') continue;
    for (const sub of Object.keys(inner.properties)) {
      const changed = (wrong: unknown) => ({ ...item, [sub]: wrong });
      out.push({ label: `${key}.${sub}`, set: (wrong) => ({ ...top, [key]: Array.isArray(value) ? [changed(wrong)] : changed(wrong) }) });
    }
  }
  return out;
}

/** Values no field expects: each goes into every body field in turn. */
const WRONG: unknown[] = [
  null, true, -1, 0, 1.5, -1e308, 1e308, 2 ** 53 + 2, '', ' ', 'x'.repeat(100_000), '\u0000\u0001\u001f', '../../../../etc/passwd',
  '%00', '<script>alert(1)</script>', '\uD800', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 漢字 🎬', 'NaN', '-0', '1e9999', [], [null], [[[]]], {}, { __proto__: { polluted: 1 } },
  { constructor: { prototype: { polluted: 1 } } }, { kind: 'offset', offsetMs: -1 }, { kind: 'wallclock', epochMs: 8.64e15 + 1 },
];

/** Whole bodies that are wrong as a whole. */
const WHOLE: { payload: string; contentType: string; label: string }[] = [
  { payload: '', contentType: 'application/json', label: 'empty JSON body' },
  { payload: '{', contentType: 'application/json', label: 'invalid JSON' },
  { payload: 'null', contentType: 'application/json', label: 'null' },
  { payload: '[]', contentType: 'application/json', label: 'an array' },
  { payload: '"x"', contentType: 'application/json', label: 'a string' },
  { payload: '1', contentType: 'application/json', label: 'a number' },
  { payload: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}', contentType: 'application/json', label: 'prototype keys' },
  { payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: 'application/json', label: 'deep nesting' },
  { payload: `{"a":"${'y'.repeat(2_000_000)}"}`, contentType: 'application/json', label: 'over the body limit' },
  { payload: 'login=a&password=b', contentType: 'application/x-www-form-urlencoded', label: 'a form' },
  { payload: 'plain', contentType: 'text/plain', label: 'text/plain' },
  { payload: '{}', contentType: 'application/json; charset=utf-16', label: 'a foreign charset' },
];

/** Odd path / query parameter values (already URL-encoded where they must be). */
const ODD_PARAMS = ['x', '..%2F..%2Fetc%2Fpasswd', '%00', '%E0%A4%A', 'a'.repeat(3_000), '%20', '%F0%9F%8E%AC', '-1', '1e999', '%22%27%3C%3E', '__proto__', 'constructor'];

interface Fixture {
  credentials: Record<string, string>;
  terminalId: string;
  sessionId: string;
}

const PROGRAM = 'harbour-lights';
let accounts = 0;
let reports = 0;
async function fixture(): Promise<Fixture> {
  // The admin routes' valid requests remove or replace programmes: the catalogue again.
  await s.global.store.upsertPrograms(catalogue);
  const userToken = await signUp(s.app, `fuzz-${++accounts}@example.com`);
  const terminal = await addTerminal(s.app, userToken, 'Fuzz TV', 'stb');
  const play = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${terminal.credential}` }, payload: { programId: PROGRAM } });
  if (play.statusCode !== 200) throw new Error(`play: ${play.statusCode} ${play.body}`);
  const { sessionId, playToken } = play.json<{ sessionId: string; playToken: string }>();
  const profiles = (await s.app.inject({ url: '/api/v1/profiles', headers: { authorization: `Bearer ${userToken}` } })).json<{ profiles: { id: string }[] }>();
  known = {
    programId: PROGRAM, sessionId, terminalId: terminal.id, toTerminalId: terminal.id, profileId: profiles.profiles?.[0]?.id ?? 'fuzzabcd12345678',
    reportId: `fuzz-report-${++reports}`, playToken, password: 'correct-horse-battery', login: `fuzz-new-${accounts}@example.com`,
    breakpoint: { kind: 'offset', offsetMs: 90_000 }, position: { kind: 'offset', offsetMs: 90_000 },
  };
  return {
    credentials: { userSession: userToken, terminalCredential: terminal.credential, serviceCredential: SERVICE_AUTH.slice('Bearer '.length), adminToken: ADMIN_TOKEN, playToken },
    terminalId: terminal.id,
    sessionId,
  };
}

/** The path with its parameters filled: `value` for every one, else the fixture's real ids. */
function pathOf(op: Operation, f: Fixture, value?: string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (value !== undefined) return value;
    if (name === 'terminalId') return f.terminalId;
    if (name === 'sessionId') return f.sessionId;
    if (name === '*') return 'manifest.mpd';
    return PROGRAM;
  });
}

/** What was wrong with an answer, or null when it is a proper one. */
function problem(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 400 && res.statusCode !== 416) {
    let body: unknown;
    try {
      body = res.json();
    } catch {
      return `${res.statusCode} is not JSON: ${res.body.slice(0, 120)}`;
    }
    const b = body as { code?: unknown; message?: unknown };
    if (typeof b.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(b.code) || typeof b.message !== 'string') return `${res.statusCode} without a stable code: ${res.body.slice(0, 200)}`;
  }
  return null;
}

/** A stream's GET with a valid credential stays open (server-sent events): only its refusals are fuzzed. */
const streams = (op: Operation) => op.path === '/api/v1/events' || op.path === '/global/v1/revocations';

describe('every route, under hostile input', () => {
  it('never answers 5xx, and refuses with JSON carrying a stable code', { timeout: 600_000 }, async () => {
    expect(operations.length).toBeGreaterThan(50);
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const started = performance.now();
      if (process.env.FUZZ_TRACE) console.log('start', op.method, op.path);
      const f = await fixture();
      const own = op.security[0];
      const auths: (string | undefined)[] = [
        own && !streams(op) ? `Bearer ${f.credentials[own]}` : undefined,
        undefined,
        'Bearer rat_forged.credential-that-is-not-real',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer ${own === 'adminToken' ? f.credentials.terminalCredential : f.credentials.adminToken}`,
      ];
      const send = async (label: string, req: { url: string; authorization: string | undefined; payload?: string; contentType?: string }) => {
        const headers: Record<string, string> = {};
        if (req.authorization) headers.authorization = req.authorization;
        if (req.payload !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
        const res = await s.app.inject({ method: op.method as 'GET', url: req.url, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
        sent++;
        if (process.env.FUZZ_TRACE && label === 'sample body' && req.authorization === auths[0]) console.log('SAMPLE', op.method, op.path, res.statusCode, res.body.slice(0, 160));
        const p = problem(res);
        if (p) failures.push(`${op.method} ${req.url.slice(0, 160)} [${label}; auth ${req.authorization?.slice(0, 14) ?? 'none'}] → ${p}`);
      };
      const url = pathOf(op, f);
      for (const authorization of auths) {
        if (streams(op) && authorization === undefined) continue;
        // As described, then each body field wrong in turn, then whole bodies that are wrong.
        if (op.body) {
          const base = sample(op.body);
          await send('sample body', { url, authorization, payload: JSON.stringify(base) });
          if (authorization === auths[0]) {
            for (const field of fieldsOf(op.body, base)) {
              for (const wrong of WRONG) await send(`${field.label}=${JSON.stringify(wrong)?.slice(0, 30)}`, { url, authorization, payload: JSON.stringify(field.set(wrong)) });
            }
            await send('an unknown field', { url, authorization, payload: JSON.stringify({ ...(base as Record<string, unknown>), unknownField: 1 }) });
          }
          for (const w of WHOLE) await send(w.label, { url, authorization, payload: w.payload, contentType: w.contentType });
        } else {
          await send('no body', { url, authorization });
          // A body where none is expected.
          if (op.method !== 'GET') await send('unexpected body', { url, authorization, payload: '{"x":1}' });
        }
      }
      const authorization = auths[0];
      if (streams(op)) continue;
      const payload = op.body ? JSON.stringify(sample(op.body)) : undefined;
      if (op.path.includes('{')) for (const v of ODD_PARAMS) await send(`path ${v.slice(0, 20)}`, { url: pathOf(op, f, v), authorization, payload });
      for (const q of op.params.filter((p) => p.in === 'query')) {
        for (const v of ODD_PARAMS) await send(`?${q.name}=${v.slice(0, 20)}`, { url: `${url}?${q.name}=${v}`, authorization, payload });
        await send(`?${q.name} twice`, { url: `${url}?${q.name}=1&${q.name}=2`, authorization, payload });
      }
      if (process.env.FUZZ_TRACE) console.log(op.method, op.path, Math.round(performance.now() - started), 'ms', sent);
    }
    expect(sent).toBeGreaterThan(3_000);
    expect(failures, `${failures.length} of ${sent} requests answered badly:\n${failures.slice(0, 40).join('\n')}`).toEqual([]);
  });
});
