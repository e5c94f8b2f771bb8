/**
 * Server configuration from command-line flags and environment variables (flags win).
 * Every option is listed in OPTIONS once; README's configuration table mirrors it.
 * Parsing is pure (argv + env in, Config out) so it is unit-tested without a process.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RESUME_RULES, validateRules, type ResumeRules } from '../common/resume.ts';

/** The three server roles of the patent. */
export type Role = 'global' | 'portal' | 'streaming';
export const ALL_ROLES: readonly Role[] = ['global', 'portal', 'streaming'];

/** A named shared secret that authenticates one role to another. */
export interface ServiceCredential {
  id: string;
  secret: string;
}

/** Everything a server process needs to know. */
export interface Config {
  host: string;
  port: number;
  /** Directory holding the SQLite file and generated secrets. */
  dataDir: string;
  roles: Role[];
  /** Base URL of the global role when it is not in this process. */
  globalUrl: string | null;
  /** The URL terminals use to reach this process (manifest URLs, QR codes). */
  publicUrl: string | null;
  /** Id of this portal / streaming cluster (P1, S1 …), shown in answers and logs. */
  instanceId: string;
  /** Credentials: global accepts all; portal/streaming present the first as their own. */
  serviceCredentials: ServiceCredential[];
  /** Admin bearer token; null = generate one into the data dir on first start. */
  adminToken: string | null;
  /** Viewing records older than this are aged out (patent [0050]). */
  retentionDays: number;
  /** How often the aging job runs. */
  retentionIntervalMinutes: number;
  resume: ResumeRules;
  /** Seed the demo catalogue and account into an empty data dir. */
  seedDemo: boolean;
  /** Login/registration attempts per IP per minute. */
  authRateLimit: number;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** User session lifetime. */
  sessionDays: number;
  /** SQLite durability: NORMAL survives a process crash; FULL also a power loss. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Option table: flag name, env name, default, doc. */
export const OPTIONS = {
  host: { env: 'RA_HOST', default: '127.0.0.1', doc: 'Interface to listen on (0.0.0.0 to let a TV or phone on the LAN join).' },
  port: { env: 'RA_PORT', default: '8750', doc: 'TCP port (0 = any free port).' },
  data: { env: 'RA_DATA_DIR', default: '.data', doc: 'Data directory (SQLite file, generated secrets).' },
  roles: { env: 'RA_ROLES', default: 'global,portal,streaming', doc: 'Comma-separated roles this process plays.' },
  'global-url': { env: 'RA_GLOBAL_URL', default: '', doc: 'Global role URL, required when global is not in this process.' },
  'public-url': { env: 'RA_PUBLIC_URL', default: '', doc: 'URL terminals use to reach this process.' },
  'instance-id': { env: 'RA_INSTANCE_ID', default: '', doc: 'Name of this portal/cluster (P1, S1 …); defaults to the roles.' },
  'service-credentials': { env: 'RA_SERVICE_CREDENTIALS', default: '', doc: 'id:secret[,id:secret…] for role-to-role calls.' },
  'admin-token': { env: 'RA_ADMIN_TOKEN', default: '', doc: 'Admin API token; generated into the data dir when empty.' },
  'retention-days': { env: 'RA_RETENTION_DAYS', default: '30', doc: 'Age after which viewing records are deleted.' },
  'retention-interval-minutes': { env: 'RA_RETENTION_INTERVAL_MINUTES', default: '60', doc: 'How often aging runs.' },
  'resume-min-percent': { env: 'RA_RESUME_MIN_PERCENT', default: String(DEFAULT_RESUME_RULES.minPercent), doc: 'Below this, not started.' },
  'resume-max-percent': { env: 'RA_RESUME_MAX_PERCENT', default: String(DEFAULT_RESUME_RULES.maxPercent), doc: 'From this, watched.' },
  'resume-min-duration-sec': {
    env: 'RA_RESUME_MIN_DURATION_SEC',
    default: String(DEFAULT_RESUME_RULES.minResumableDurationMs / 1000),
    doc: 'Shorter programmes are never resumable.',
  },
  'seed-demo': { env: 'RA_SEED_DEMO', default: 'true', doc: 'Seed demo catalogue and account into an empty data dir.' },
  'auth-rate-limit': { env: 'RA_AUTH_RATE_LIMIT', default: '20', doc: 'Login/registration attempts per IP per minute.' },
  'body-limit': { env: 'RA_BODY_LIMIT', default: '524288', doc: 'Largest request body in bytes.' },
  'session-days': { env: 'RA_SESSION_DAYS', default: '30', doc: 'User session lifetime in days.' },
  'sqlite-synchronous': { env: 'RA_SQLITE_SYNCHRONOUS', default: 'NORMAL', doc: 'NORMAL or FULL.' },
  'log-level': { env: 'RA_LOG_LEVEL', default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent.' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** A configuration error: the message says which option and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(name: OptionName, raw: string, min: number, max: number): number {
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${name}: expected an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

function num(name: OptionName, raw: string): number {
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`--${name}: expected a number, got "${raw}"`);
  return n;
}

function positive(name: OptionName, raw: string): number {
  const n = num(name, raw);
  if (n <= 0) throw new ConfigError(`--${name}: expected a positive number, got "${raw}"`);
  return n;
}

function bool(name: OptionName, raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`--${name}: expected true or false, got "${raw}"`);
}

function oneOf<T extends string>(name: OptionName, raw: string, allowed: readonly T[]): T {
  const hit = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!hit) throw new ConfigError(`--${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
  return hit;
}

function url(name: OptionName, raw: string): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return u.href.replace(/\/$/, '');
  } catch {
    throw new ConfigError(`--${name}: expected an http(s) URL, got "${raw}"`);
  }
}

/** Parse `id:secret,id:secret`. Secrets must be at least 16 characters. */
export function parseServiceCredentials(raw: string): ServiceCredential[] {
  if (!raw.trim()) return [];
  return raw.split(',').map((pair) => {
    const m = /^([A-Za-z0-9_-]{1,40}):(\S{16,200})$/.exec(pair.trim());
    if (!m) throw new ConfigError('--service-credentials: expected id:secret pairs (secret of 16+ characters)');
    return { id: m[1] as string, secret: m[2] as string };
  });
}

/** Parse flags (argv without node and script) and env into a Config. Throws ConfigError. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined>): Config {
  const options = Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | undefined>;
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const get = (name: OptionName): string => values[name] ?? env[OPTIONS[name].env] ?? OPTIONS[name].default;

  const roles = [
    ...new Set(
      get('roles')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean)
        .map((r) => oneOf('roles', r, ALL_ROLES)),
    ),
  ];
  if (roles.length === 0) throw new ConfigError('--roles: at least one role is needed');
  const globalUrl = url('global-url', get('global-url'));
  if (!roles.includes('global') && !globalUrl) {
    throw new ConfigError('--global-url is required when this process does not run the global role');
  }
  const serviceCredentials = parseServiceCredentials(get('service-credentials'));
  if (!roles.includes('global') && serviceCredentials.length === 0) {
    throw new ConfigError('--service-credentials is required to call a remote global role');
  }
  const resume = {
    ...DEFAULT_RESUME_RULES,
    minPercent: num('resume-min-percent', get('resume-min-percent')),
    maxPercent: num('resume-max-percent', get('resume-max-percent')),
    minResumableDurationMs: num('resume-min-duration-sec', get('resume-min-duration-sec')) * 1000,
  };
  try {
    validateRules(resume);
  } catch (err) {
    const names = '--resume-min-percent / --resume-max-percent / --resume-min-duration-sec';
    throw new ConfigError(`${names} (RA_RESUME_*): ${(err as Error).message}`);
  }
  return {
    host: get('host'),
    port: int('port', get('port'), 0, 65535),
    dataDir: get('data'),
    roles,
    globalUrl,
    publicUrl: url('public-url', get('public-url')),
    instanceId: get('instance-id') || roles.join('+'),
    serviceCredentials,
    adminToken: get('admin-token') || null,
    retentionDays: positive('retention-days', get('retention-days')),
    retentionIntervalMinutes: int('retention-interval-minutes', get('retention-interval-minutes'), 1, 7 * 24 * 60),
    resume,
    seedDemo: bool('seed-demo', get('seed-demo')),
    authRateLimit: int('auth-rate-limit', get('auth-rate-limit'), 1, 1_000_000),
    bodyLimit: int('body-limit', get('body-limit'), 1024, 64 * 1024 * 1024),
    sessionDays: int('session-days', get('session-days'), 1, 3650),
    sqliteSynchronous: oneOf('sqlite-synchronous', get('sqlite-synchronous'), ['NORMAL', 'FULL'] as const),
    logLevel: oneOf('log-level', get('log-level'), ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  };
}

/** A Config for tests and embedding: defaults, overridden field by field. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...parseConfig([], {}), ...overrides };
}
