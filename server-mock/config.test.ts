/**
 * Server configuration: flags win over env, env over defaults, and every bad value is a
 * ConfigError that names the option, so an operator knows what to fix.
 */
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESUME_RULES } from '../common/resume.ts';
import {
  ConfigError,
  DEFAULT_MEDIA_DIR,
  DEFAULT_WEB_DIR,
  OPTIONS,
  defaultConfig,
  optionRows,
  optionsHelp,
  optionsMarkdown,
  parseConfig,
  parseServiceCredentials,
  type Config,
} from './config.ts';

const SECRET = 'abcdefghijklmnop'; // exactly 16 characters, the minimum
const CRED = `portal-1:${SECRET}`;

/** The ConfigError thrown by parsing, for assertions on its message. */
function configError(argv: string[], env: Record<string, string | undefined> = {}): ConfigError {
  try {
    parseConfig(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).name).toBe('ConfigError');
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 8750,
  dataDir: '.data',
  roles: ['global', 'portal', 'streaming'],
  globalUrl: null,
  publicUrl: null,
  instanceId: 'global+portal+streaming',
  serviceCredentials: [],
  adminToken: null,
  retentionDays: 30,
  retentionIntervalMinutes: 60,
  resume: { minPercent: 5, maxPercent: 90, minResumableDurationMs: 300_000, unmovedToleranceMs: 500 },
  seedDemo: true,
  demoAccount: 'loopback',
  openRegistration: false,
  authRateLimit: 20,
  bodyLimit: 524_288,
  sessionDays: 30,
  sqliteSynchronous: 'NORMAL',
  store: { kind: 'sqlite' },
  dbPoolSize: 10,
  backupDir: null,
  backupIntervalHours: 24,
  backupKeep: 7,
  logLevel: 'info',
  logFormat: 'auto',
  webDir: DEFAULT_WEB_DIR,
  mediaDir: DEFAULT_MEDIA_DIR,
  playTokenSecret: null,
  playTokenTtlSec: 1800,
  heartbeatIntervalSec: 5,
  sessionTimeoutSec: 30,
  reportIntervalSec: 30,
  deviceCodeTtlSec: 600,
  devicePollIntervalSec: 5,
  libraryFolders: [],
  libraryMediaDir: null,
  libraryJobs: null,
  libraryRenditions: 3,
  libraryRescanMinutes: 15,
};

describe('defaults', () => {
  it('runs all three roles on 127.0.0.1:8750 with the documented defaults', () => {
    expect(parseConfig([], {})).toEqual(DEFAULTS);
  });

  it('uses the shared resume defaults', () => {
    expect(parseConfig([], {}).resume).toEqual(DEFAULT_RESUME_RULES);
  });

  it('ignores unrelated environment variables', () => {
    expect(parseConfig([], { PORT: '1', HOST: '0.0.0.0', RA_UNKNOWN: 'x' })).toEqual(DEFAULTS);
  });

  it('lists an RA_ variable for every option', () => {
    for (const [flag, option] of Object.entries(OPTIONS)) {
      expect(option.env, flag).toMatch(/^RA_[A-Z_]+$/);
    }
  });
});

describe('defaultConfig', () => {
  it('is the defaults, overridden field by field', () => {
    expect(defaultConfig()).toEqual(DEFAULTS);
    expect(defaultConfig({ port: 0, roles: ['global'] })).toEqual({ ...DEFAULTS, port: 0, roles: ['global'] });
  });

  it('does not read the process environment', () => {
    const before = process.env.RA_PORT;
    process.env.RA_PORT = '9999';
    try {
      expect(defaultConfig().port).toBe(8750);
    } finally {
      if (before === undefined) delete process.env.RA_PORT;
      else process.env.RA_PORT = before;
    }
  });
});

describe('flags and environment', () => {
  it('uses the environment when no flag is given', () => {
    const c = parseConfig([], {
      RA_HOST: '0.0.0.0',
      RA_PORT: '9000',
      RA_DATA_DIR: '/var/lib/ra',
      RA_ROLES: 'portal',
      RA_GLOBAL_URL: 'http://global.internal:8750',
      RA_INSTANCE_ID: 'P1',
      RA_SERVICE_CREDENTIALS: CRED,
      RA_ADMIN_TOKEN: 'admin-token-xyz',
      RA_RETENTION_DAYS: '7',
      RA_RETENTION_INTERVAL_MINUTES: '15',
      RA_RESUME_MIN_PERCENT: '3',
      RA_RESUME_MAX_PERCENT: '95',
      RA_RESUME_MIN_DURATION_SEC: '120',
      RA_SEED_DEMO: 'false',
      RA_DEMO_ACCOUNT: 'never',
      RA_OPEN_REGISTRATION: 'true',
      RA_AUTH_RATE_LIMIT: '5',
      RA_BODY_LIMIT: '2048',
      RA_SESSION_DAYS: '1',
      RA_SQLITE_SYNCHRONOUS: 'FULL',
      RA_LOG_LEVEL: 'warn',
      RA_LOG_FORMAT: 'JSON',
      RA_MEDIA_DIR: '/srv/media',
      RA_PLAY_TOKEN_SECRET: 'play-token-secret-0123',
      RA_PLAY_TOKEN_TTL_SEC: '600',
      RA_HEARTBEAT_INTERVAL_SEC: '2',
      RA_SESSION_TIMEOUT_SEC: '10',
      RA_REPORT_INTERVAL_SEC: '0',
      RA_DEVICE_CODE_TTL_SEC: '120',
      RA_DEVICE_POLL_INTERVAL_SEC: '2',
      RA_DATABASE_URL: 'postgres://ra:pw@db.internal:5432/resume',
      RA_DB_POOL_SIZE: '4',
      RA_BACKUP_DIR: '/var/backups/ra',
      RA_BACKUP_INTERVAL_HOURS: '6',
      RA_BACKUP_KEEP: '3',
    });
    expect(c).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dataDir: '/var/lib/ra',
      roles: ['portal'],
      globalUrl: 'http://global.internal:8750',
      publicUrl: null,
      instanceId: 'P1',
      serviceCredentials: [{ id: 'portal-1', secret: SECRET }],
      adminToken: 'admin-token-xyz',
      retentionDays: 7,
      retentionIntervalMinutes: 15,
      resume: { ...DEFAULT_RESUME_RULES, minPercent: 3, maxPercent: 95, minResumableDurationMs: 120_000 },
      seedDemo: false,
      demoAccount: 'never',
      openRegistration: true,
      authRateLimit: 5,
      bodyLimit: 2048,
      sessionDays: 1,
      sqliteSynchronous: 'FULL',
      store: { kind: 'postgres', url: 'postgres://ra:pw@db.internal:5432/resume' },
      dbPoolSize: 4,
      backupDir: '/var/backups/ra',
      backupIntervalHours: 6,
      backupKeep: 3,
      logLevel: 'warn',
      logFormat: 'json',
      webDir: DEFAULT_WEB_DIR,
      mediaDir: '/srv/media',
      playTokenSecret: 'play-token-secret-0123',
      playTokenTtlSec: 600,
      heartbeatIntervalSec: 2,
      sessionTimeoutSec: 10,
      reportIntervalSec: 0,
      deviceCodeTtlSec: 120,
      devicePollIntervalSec: 2,
      libraryFolders: [],
      libraryMediaDir: null,
      libraryJobs: null,
      libraryRenditions: 3,
      libraryRescanMinutes: 15,
    } satisfies Config);
  });

  it('takes sqlite or a postgres URL for --store, and names neither the password nor garbage', () => {
    expect(parseConfig(['--store', 'SQLite'], {}).store).toEqual({ kind: 'sqlite' });
    expect(parseConfig(['--store', 'postgresql://u@h/db'], {}).store).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(() => parseConfig(['--store', 'mysql://u:secret@h/db'], {})).toThrow(/--store: expected sqlite or a postgres:\/\/ URL, got "mysql:\/\/u:\*\*\*@h\/db"/);
    expect(() => parseConfig(['--db-pool-size', '0'], {})).toThrow(/--db-pool-size/);
  });

  it('lets flags win over the environment', () => {
    const env = { RA_PORT: '9000', RA_HOST: '0.0.0.0', RA_LOG_LEVEL: 'warn', RA_SEED_DEMO: 'false' };
    const c = parseConfig(['--port', '9100', '--host=::1', '--log-level', 'debug', '--seed-demo', 'yes'], env);
    expect(c).toMatchObject({ port: 9100, host: '::1', logLevel: 'debug', seedDemo: true });
  });

  it('lets a flag win even over a bad environment value', () => {
    expect(parseConfig(['--port', '1234'], { RA_PORT: 'not-a-port' }).port).toBe(1234);
  });

  it('makes relative directories absolute, from the directory the server starts in', () => {
    const c = parseConfig(['--web-dir', 'renderer/dist', '--media-dir', './media', '--backup-dir', 'b', '--library-media-dir', '../lib'], {});
    expect(c).toMatchObject({
      webDir: join(process.cwd(), 'renderer/dist'),
      mediaDir: join(process.cwd(), 'media'),
      backupDir: join(process.cwd(), 'b'),
      libraryMediaDir: join(process.cwd(), '../lib'),
    });
    expect(parseConfig(['--web-dir', '/srv/web'], {}).webDir).toBe('/srv/web');
    expect(parseConfig([], {}).backupDir).toBeNull();
  });

  it('accepts port 0 (any free port) and 65535', () => {
    expect(parseConfig(['--port', '0'], {}).port).toBe(0);
    expect(parseConfig(['--port', '65535'], {}).port).toBe(65535);
  });

  it('matches enumerated values case-insensitively and returns the canonical spelling', () => {
    const c = parseConfig(['--sqlite-synchronous', 'full', '--log-level', 'SILENT', '--roles', 'Global'], {});
    expect(c).toMatchObject({ sqliteSynchronous: 'FULL', logLevel: 'silent', roles: ['global'] });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['on', true],
    ['0', false],
    ['False', false],
    ['no', false],
    ['OFF', false],
  ])('reads boolean %s as %s', (raw, expected) => {
    expect(parseConfig(['--seed-demo', raw], {}).seedDemo).toBe(expected);
    expect(parseConfig(['--open-registration', raw], {}).openRegistration).toBe(expected);
  });
});

describe('TV linking (device codes)', () => {
  it('accepts the bounds of the code lifetime and the poll interval', () => {
    expect(parseConfig(['--device-code-ttl-sec', '2', '--device-poll-interval-sec', '1'], {})).toMatchObject({ deviceCodeTtlSec: 2, devicePollIntervalSec: 1 });
    expect(parseConfig(['--device-code-ttl-sec=3600', '--device-poll-interval-sec=60'], {})).toMatchObject({ deviceCodeTtlSec: 3600, devicePollIntervalSec: 60 });
  });

  it('lets the flags win over RA_DEVICE_*', () => {
    const env = { RA_DEVICE_CODE_TTL_SEC: '900', RA_DEVICE_POLL_INTERVAL_SEC: '10' };
    expect(parseConfig(['--device-code-ttl-sec', '3'], env)).toMatchObject({ deviceCodeTtlSec: 3, devicePollIntervalSec: 10 });
  });
});

describe('library', () => {
  it('takes --library several times, or a path-delimited list from the environment', () => {
    expect(parseConfig(['--library', '/films', '--library', '/tv', '--library', '/films'], {}).libraryFolders).toEqual(['/films', '/tv']);
    expect(parseConfig([], { RA_LIBRARY: ['/a', '/b c'].join(delimiter) }).libraryFolders).toEqual(['/a', '/b c']);
    expect(parseConfig(['--library', '/x'], { RA_LIBRARY: '/a' }).libraryFolders).toEqual(['/x']);
  });

  it('bounds the job count and the rescan interval', () => {
    expect(parseConfig(['--library-jobs', '2'], {}).libraryJobs).toBe(2);
    expect(configError(['--library-jobs', '0']).message).toMatch(/--library-jobs/);
    expect(parseConfig(['--library-renditions', '1'], {}).libraryRenditions).toBe(1);
    expect(configError(['--library-renditions', '4']).message).toMatch(/--library-renditions/);
    expect(configError(['--library-rescan-minutes', 'soon']).message).toMatch(/--library-rescan-minutes/);
  });
});

describe('README and --help', () => {
  it('lists every option with its environment variable in the configuration table', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `--([a-z-]+)` \| `(RA_[A-Z_]+)` \|/gm)].map((m) => [m[1], m[2]]));
    for (const [flag, option] of Object.entries(OPTIONS)) expect(rows.get(flag), `--${flag}`).toBe(option.env);
    expect([...rows.keys()].sort()).toEqual(Object.keys(OPTIONS).sort());
  });

  it('has exactly the table rendered from OPTIONS (defaults and meanings cannot drift)', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\n${optionsMarkdown()}\n\n`);
  });

  it('shows literal defaults as they would be typed, and the others in words', () => {
    const rows = new Map(optionRows().map(([flag, , shown]) => [flag, shown]));
    expect(rows.get('--port')).toBe('`8750`');
    expect(rows.get('--global-url')).toBe('');
    expect(rows.get('--admin-token')).toBe('generated');
    expect(rows.get('--web-dir')).toBe('`renderer/dist`');
  });

  it('--help prints the same rows as plain text: every flag, its variable, default and meaning', () => {
    const help = optionsHelp(100).replace(/\n\s+/g, ' ');
    for (const [flag, env, shown, doc] of optionRows()) {
      const plain = (md: string) => md.replace(/\*\*|`/g, '');
      const line = help.split(/(?=\s--[a-z])/).find((l) => l.trim().startsWith(`${flag} `));
      expect(line, flag).toBeDefined();
      expect(line).toContain(plain(doc));
      expect(line).toContain(`env ${env}`);
      if (shown) expect(line).toContain(`default ${plain(shown)}`);
    }
  });

  it('wraps --help to the width it is given', () => {
    for (const width of [60, 100]) {
      // Only a single word longer than the space left (an environment variable) may overflow.
      for (const line of optionsHelp(width).split('\n')) if (line.trim().includes(' ')) expect(line.length, line).toBeLessThanOrEqual(width);
    }
  });
});

describe('roles', () => {
  it('trims, drops empty entries and de-duplicates', () => {
    expect(parseConfig(['--roles', ' portal , global,,portal,global '], {}).roles).toEqual(['portal', 'global']);
  });

  it('names the instance after its roles unless told otherwise', () => {
    expect(parseConfig(['--roles', 'streaming,global'], {}).instanceId).toBe('streaming+global');
    expect(parseConfig(['--roles', 'global', '--instance-id', 'G1'], {}).instanceId).toBe('G1');
  });

  // Regression (fixed): de-duplication runs on the raw strings before the case-insensitive match, so
  // `global,GLOBAL` (both accepted) yields the role twice.
  it('de-duplicates roles that differ only in case', () => {
    expect(parseConfig(['--roles', 'global,GLOBAL'], {}).roles).toEqual(['global']);
  });

  it('runs portal or streaming alone against a remote global with a credential', () => {
    for (const role of ['portal', 'streaming'] as const) {
      const c = parseConfig(['--roles', role, '--global-url', 'http://g:1/', '--service-credentials', CRED], {});
      expect(c).toMatchObject({ roles: [role], globalUrl: 'http://g:1', instanceId: role });
      expect(c.serviceCredentials).toEqual([{ id: 'portal-1', secret: SECRET }]);
    }
  });
});

describe('URLs', () => {
  it.each([
    ['http://global.internal:8750/', 'http://global.internal:8750'],
    ['https://ra.example.com', 'https://ra.example.com'],
    ['HTTP://Example.COM:80/', 'http://example.com'],
    ['https://ra.example.com/base/', 'https://ra.example.com/base'],
  ])('normalises %s to %s', (raw, expected) => {
    const c = parseConfig(['--global-url', raw, '--public-url', raw], {});
    expect(c.globalUrl).toBe(expected);
    expect(c.publicUrl).toBe(expected);
  });

  it('reads the public URL from the environment', () => {
    expect(parseConfig([], { RA_PUBLIC_URL: 'http://192.168.1.20:8750/' }).publicUrl).toBe('http://192.168.1.20:8750');
  });
});

describe('bad values are ConfigErrors that name the option', () => {
  it.each([
    [['--port', '70000'], '--port: expected an integer in [0, 65535], got "70000"'],
    [['--port=-1'], '--port: expected an integer in [0, 65535]'],
    [['--port', '80.5'], '--port'],
    [['--port', 'http'], '--port'],
    [['--roles', 'global,cdn'], '--roles: expected one of global, portal, streaming, got "cdn"'],
    [['--roles', ''], '--roles: at least one role is needed'],
    [['--roles', ' , '], '--roles'],
    [['--roles', 'portal'], '--global-url'],
    [['--roles', 'streaming'], '--global-url'],
    [['--roles', 'portal', '--global-url', 'http://g:1'], '--service-credentials'],
    [['--roles', 'streaming', '--global-url', 'http://g:1'], '--service-credentials'],
    [['--global-url', 'ftp://g.example'], '--global-url'],
    [['--global-url', 'not a url'], '--global-url'],
    [['--public-url', 'file:///tmp/x'], '--public-url'],
    [['--service-credentials', 'portal-1'], '--service-credentials'],
    [['--service-credentials', 'portal-1:short'], '--service-credentials'],
    [['--service-credentials', `${CRED},`], '--service-credentials'],
    [['--retention-days=-1'], '--retention-days: expected a positive number'],
    [['--retention-days', '-1'], '--retention-days'], // parseArgs: a dash value needs `=`
    [['--retention-days', '0'], '--retention-days'],
    [['--retention-days', 'forever'], '--retention-days'],
    [['--retention-interval-minutes', '0'], '--retention-interval-minutes'],
    [['--seed-demo', 'maybe'], '--seed-demo'],
    [['--auth-rate-limit', '0'], '--auth-rate-limit'],
    [['--body-limit', '1023'], '--body-limit'],
    [['--session-days', '3651'], '--session-days'],
    [['--sqlite-synchronous', 'OFF'], '--sqlite-synchronous'],
    [['--log-level', 'verbose'], '--log-level'],
    [['--log-format', 'xml'], '--log-format: expected one of auto, pretty, json, got "xml"'],
    [['--resume-min-percent', 'five'], '--resume-min-percent'],
    [['--resume-max-percent', 'NaN'], '--resume-max-percent'],
    [['--device-code-ttl-sec', '1'], '--device-code-ttl-sec: expected an integer in [2, 3600], got "1"'],
    [['--device-code-ttl-sec', '3601'], '--device-code-ttl-sec'],
    [['--device-poll-interval-sec', '0'], '--device-poll-interval-sec: expected an integer in [1, 60], got "0"'],
    [['--device-poll-interval-sec', '61'], '--device-poll-interval-sec'],
    [['--device-poll-interval-sec', '2.5'], '--device-poll-interval-sec'],
    [['--verbose'], '--verbose'],
    [['--port'], '--port'],
  ])('%j → error naming %s', (argv, option) => {
    expect(configError(argv).message).toContain(option);
  });

  it('names the option when the bad value comes from the environment', () => {
    expect(configError([], { RA_PORT: '99999' }).message).toBe('--port: expected an integer in [0, 65535], got "99999"');
    expect(configError([], { RA_ROLES: 'portal' }).message).toContain('--global-url');
    expect(configError([], { RA_SERVICE_CREDENTIALS: 'x:y' }).message).toContain('--service-credentials');
    expect(configError([], { RA_SEED_DEMO: 'sure' }).message).toBe('--seed-demo: expected true or false, got "sure"');
  });

  it('rejects a positional argument', () => {
    expect(configError(['serve']).message).toContain('serve');
  });

  it.each([
    [['--resume-min-percent', '90', '--resume-max-percent', '90']],
    [['--resume-min-percent', '95']],
    [['--resume-max-percent', '101']],
    [['--resume-min-percent=-1']],
  ])('rejects incoherent resume percentages %j', (argv) => {
    expect(configError(argv).message).toMatch(/minPercent < maxPercent/);
  });

  // Regression (fixed): the resume-rule checks re-throw validateRules' message ("resume rules: need
  // 0 <= minPercent < maxPercent …", "durations must be >= 0"), which never names the flag or
  // variable to fix, although ConfigError promises "the message says which option and why".
  it('names the resume flag when min ≥ max percent', () => {
    expect(configError(['--resume-min-percent', '90', '--resume-max-percent', '90']).message).toMatch(
      /--resume-(min|max)-percent/,
    );
  });
  it('names the resume flag for a negative minimum duration', () => {
    expect(configError(['--resume-min-duration-sec=-5']).message).toContain('--resume-min-duration-sec');
  });

  it('still rejects a negative minimum duration', () => {
    expect(configError(['--resume-min-duration-sec=-5']).message).toMatch(/durations must be >= 0/);
  });

  // Regression (fixed): Number('') is 0, so an empty port (`--port=` or `RA_PORT=`) silently means "any free
  // port" instead of being rejected as not an integer.
  it('rejects an empty port', () => {
    expect(configError(['--port=']).message).toContain('--port');
  });
});

describe('parseServiceCredentials', () => {
  it('is empty for an empty or blank string', () => {
    expect(parseServiceCredentials('')).toEqual([]);
    expect(parseServiceCredentials('   ')).toEqual([]);
  });

  it('reads id:secret pairs in order, trimming around them', () => {
    expect(parseServiceCredentials(` p1:${SECRET} , s_1-x:${SECRET}XYZ`)).toEqual([
      { id: 'p1', secret: SECRET },
      { id: 's_1-x', secret: `${SECRET}XYZ` },
    ]);
  });

  it('keeps a colon inside the secret', () => {
    expect(parseServiceCredentials(`p1:abc:${SECRET}`)).toEqual([{ id: 'p1', secret: `abc:${SECRET}` }]);
  });

  it('accepts a 40-character id and a 200-character secret', () => {
    const id = 'a'.repeat(40);
    const secret = 's'.repeat(200);
    expect(parseServiceCredentials(`${id}:${secret}`)).toEqual([{ id, secret }]);
  });

  it.each([
    ['a secret of 15 characters', `p1:${SECRET.slice(1)}`],
    ['a secret of 201 characters', `p1:${'s'.repeat(201)}`],
    ['an id of 41 characters', `${'a'.repeat(41)}:${SECRET}`],
    ['an empty id', `:${SECRET}`],
    ['an id with a dot', `p.1:${SECRET}`],
    ['no colon', 'p1'],
    ['a space in the secret', `p1:abcdefgh ijklmnop`],
    ['an empty pair', `p1:${SECRET},,p2:${SECRET}`],
    ['one bad pair among good ones', `p1:${SECRET},p2:short`],
  ])('rejects %s', (_label, raw) => {
    expect(() => parseServiceCredentials(raw)).toThrow(ConfigError);
    expect(() => parseServiceCredentials(raw)).toThrow(
      '--service-credentials: expected id:secret pairs (secret of 16+ characters)',
    );
  });
});
