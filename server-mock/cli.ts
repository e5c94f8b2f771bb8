#!/usr/bin/env node
/**
 * server-mock command line.
 *   node server-mock/cli.ts [serve] [--port P] [--data DIR] [--roles …] …   start a server
 *   node server-mock/cli.ts import-catalog FILE [--data DIR]                  import programmes
 *   node server-mock/cli.ts backup FILE | restore FILE [--data DIR]           SQLite backup / restore
 *   node server-mock/cli.ts library add PATH… | status [--data DIR]          package media files (library/cli.ts)
 *   node server-mock/cli.ts --help | --version
 * Flags and their environment variables: server-mock/config.ts (README's table and --help are
 * both rendered from it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, optionsHelp, parseConfig } from './config.ts';
import { verifyPassword } from './auth/passwords.ts';
import { DEMO_ACCOUNT, isLoopbackHost, readCatalogFile } from './demo/seed.ts';
import { libraryCommand } from './library/cli.ts';
import { startServer } from './server.ts';
import { describeStore, openStore, sqliteFileOf } from './store/open.ts';
import { backupSqlite, restoreSqlite } from './store/backup.ts';
import { StoreOpenError } from './store/integrity.ts';

async function serve(argv: string[]): Promise<void> {
  const config = parseConfig(argv, process.env);
  const server = await startServer(config);
  const lines = [
    `Resume Anywhere server (${config.roles.join(', ')}) as ${config.instanceId} at ${server.url}`,
    `  API docs:  ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`,
    `  data dir:  ${config.dataDir}   admin token: ${join(config.dataDir, 'admin-token')}`,
    ...(server.global ? [`  store:     ${server.global.store.kind} at ${describeStore(config)}`] : []),
  ];
  if (server.global) {
    // The demo password is published: say it only where the account really exists.
    const demo = await server.global.store.findUserByLogin(DEMO_ACCOUNT.login);
    if (demo && isLoopbackHost(config.host)) lines.push(`  demo account: ${DEMO_ACCOUNT.login} / ${DEMO_ACCOUNT.password}`);
    else if (demo && (await verifyPassword(DEMO_ACCOUNT.password, demo.passwordHash))) {
      // Seeded while local only, now reachable from the network with a published password.
      lines.push(`  WARNING: the demo account ${DEMO_ACCOUNT.login} still has its published password and this server is reachable from the network; change it (POST /api/v1/account/password) or delete it`);
    }
    else if ((await server.global.store.countUsers()) === 0) lines.push('  no account yet: the first account created becomes the owner of this server');
  }
  if (server.seeded.programs > 0) lines.push(`  seeded ${server.seeded.programs} demo programmes`);
  console.log(lines.join('\n'));
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function importCatalog(argv: string[]): Promise<void> {
  const [file, ...rest] = argv;
  if (!file || file.startsWith('--')) throw new ConfigError('usage: import-catalog FILE [--data DIR]');
  const config = parseConfig(rest, process.env);
  const programs = await readCatalogFile(file);
  const store = await openStore(config);
  try {
    await store.upsertPrograms(programs);
  } finally {
    await store.close();
  }
  console.log(`imported ${programs.length} programme(s) into ${describeStore(config)}`);
}

/** `backup FILE` / `restore FILE`: SQLite's backup API (PostgreSQL: pg_dump / pg_restore). */
async function backupOrRestore(which: 'backup' | 'restore', argv: string[]): Promise<void> {
  const [file, ...rest] = argv;
  if (!file || file.startsWith('--')) throw new ConfigError(`usage: ${which} FILE [--data DIR]`);
  const config = parseConfig(rest, process.env);
  if (config.store.kind !== 'sqlite') {
    throw new ConfigError(`${which} is for the SQLite store; for PostgreSQL use pg_dump / pg_restore (docs/DEPLOY.md)`);
  }
  const live = sqliteFileOf(config.dataDir);
  if (which === 'backup') {
    const { pages } = await backupSqlite(live, file);
    console.log(`backed up ${live} to ${file} (${pages} pages, verified)`);
  } else {
    const { version, keptAs } = await restoreSqlite(file, live);
    console.log(`restored ${file} into ${live} (schema version ${version})${keptAs ? `; the previous file is kept as ${keptAs}` : ''}`);
  }
}

/** The version of this checkout (package.json). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** `--help`: the commands, then every option from config.ts's table. */
function helpText(): string {
  return [
    `Resume Anywhere server ${packageVersion()}: the global, portal and streaming roles of CN101964787A.`,
    '',
    'Usage:',
    '  npm run server -- [serve] [options]           start a server (all three roles by default)',
    '  npm run catalog:import -- FILE [--data DIR]   import programmes from a { "programs": [...] } JSON file',
    '  npm run server -- backup FILE [--data DIR]    online backup of the SQLite store (verified)',
    '  npm run server -- restore FILE [--data DIR]   replace the SQLite store with a backup (server stopped)',
    '  npm run library -- add PATH… [options]        package media files and folders into the library (docs/LIBRARY.md)',
    '  npm run library -- status [--data DIR]        every library file: ready, failed (why) or queued',
    '  npm run server -- --help | --version',
    '',
    'Options (flags win over the environment variables; --flag=value or --flag value):',
    optionsHelp(Math.max(60, Math.min(process.stdout.columns || 100, 120))),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const [first, ...rest] = argv;
  if (first === 'import-catalog') return importCatalog(rest);
  if (first === 'backup' || first === 'restore') return backupOrRestore(first, rest);
  if (first === 'library') {
    process.exitCode = await libraryCommand(rest);
    return;
  }
  if (first === 'serve') return serve(rest);
  return serve(process.argv.slice(2));
}

main().catch((err: unknown) => {
  // A refused start says what and why in one line (no stack): configuration, or the store.
  const oneLine = err instanceof ConfigError || err instanceof StoreOpenError || (err as { code?: string })?.code === 'STORE_SCHEMA_VERSION';
  console.error(oneLine ? `error: ${(err as Error).message}` : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
