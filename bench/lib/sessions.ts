/**
 * Play sessions for the heartbeat benchmark, made without N `POST /stream/v1/play` calls: each
 * gets a play token signed with the benchmark's play-token key for a seeded terminal (its user,
 * profile and type), a programme that terminal may play and this cluster's id — exactly the
 * token `/stream/v1/play` issues. The first heartbeat on it opens the session on the cluster
 * (the stateless takeover of `routes-access.ts`, which every node does for a session another
 * node opened); every later heartbeat is the plain path: token check, session lookup, update.
 */
import { DatabaseSync } from 'node:sqlite';
import type { Program, TerminalType } from '../../common/protocol/model.ts';
import { signPlayToken } from '../../server-mock/streaming/tokens.ts';
import { benchCatalog } from './catalog.ts';
import { BENCH_PLAY_TOKEN_SECRET } from './constants.ts';
import type { PerRequest } from './load.ts';

/** The cluster id the benchmark's streaming role runs as (tokens name it). */
export const BENCH_CLUSTER_ID = 'bench-s1';

/** One benchmark session. */
export interface BenchSession {
  id: string;
  path: string;
  authorization: string;
  durationMs: number;
}

/** Up to `n` seeded terminals (id, user, type), ordinary users only, read from the seeded file. */
export function seededTerminals(dbFile: string, n: number): { id: string; userId: string; type: TerminalType }[] {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    return db
      .prepare("SELECT id, user_id AS userId, type FROM terminals WHERE user_id LIKE 'user-0%' ORDER BY id LIMIT ?")
      .all(n) as { id: string; userId: string; type: TerminalType }[];
  } finally {
    db.close();
  }
}

/** `n` sessions spread over `terminals` (several per terminal when n exceeds them). */
export function benchSessions(n: number, terminals: readonly { id: string; userId: string; type: TerminalType }[], tag: string): BenchSession[] {
  if (terminals.length === 0) throw new Error('no seeded terminals to play on');
  const vod = benchCatalog().filter((p) => p.kind === 'vod');
  const playable = new Map<TerminalType, Program[]>((['stb', 'mobile', 'pc'] as const).map((t) => [t, vod.filter((p) => p.terminalTypes.includes(t))]));
  const key = Buffer.from(BENCH_PLAY_TOKEN_SECRET, 'utf8');
  const iat = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => {
    const t = terminals[i % terminals.length] as { id: string; userId: string; type: TerminalType };
    const list = playable.get(t.type) as Program[];
    const p = list[i % list.length] as Program;
    const id = `hb${tag}${String(i).padStart(8, '0')}`;
    // The seeded default profile of a user is 'p-' + its id (bench/seed.ts).
    const token = signPlayToken(key, { u: t.userId, t: t.id, p: p.id, s: id, c: BENCH_CLUSTER_ID, pf: `p-${t.userId}`, tt: t.type, st: Date.now(), iat, exp: iat + 86_400 });
    return { id, path: `/stream/v1/sessions/${id}/heartbeat`, authorization: `Bearer ${token}`, durationMs: p.durationMs };
  });
}

/** Heartbeats above every seeded and earlier seq (one counter for all sessions of a run). */
let seq = 2_000_000_000;

/** A heartbeat of `s`: a higher seq and a moved position inside the programme. */
export function heartbeatOf(s: BenchSession): PerRequest {
  const n = ++seq;
  const offsetMs = Math.floor(s.durationMs * 0.1) + ((n * 5_000) % Math.floor(s.durationMs * 0.8));
  return { path: s.path, headers: { authorization: s.authorization }, body: `{"position":{"kind":"offset","offsetMs":${offsetMs}},"seq":${n}}` };
}

/** Heartbeats round-robin over the first `active` sessions. */
export function roundRobin(sessions: readonly BenchSession[], active = sessions.length): () => PerRequest {
  let i = 0;
  return () => heartbeatOf(sessions[i++ % active] as BenchSession);
}
