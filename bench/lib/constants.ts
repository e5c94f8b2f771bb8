/** Secrets shared by bench servers and bench clients (loopback-only test values). */

/** The service credential bench servers accept and bench clients present. */
export const BENCH_SERVICE = { id: 'bench', secret: 'bench-service-secret-0123456789' } as const;
export const BENCH_SERVICE_AUTH = `Bearer svc_${BENCH_SERVICE.id}.${BENCH_SERVICE.secret}`;
/** The play-token key of the streaming role in benchmarks. */
export const BENCH_PLAY_TOKEN_SECRET = 'bench-play-token-secret-0123456789';
