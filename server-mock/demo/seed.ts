/**
 * Demo data for a fresh data directory, so a newcomer sees the whole system with no set-up:
 * the demo catalogue (server-mock/demo/catalog.json) and a demo account.
 */
import { readFile } from 'node:fs/promises';
import Value from 'typebox/value';
import { ProgramUpsertRequest } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { AccountService } from '../global/accounts-service.ts';
import type { Store } from '../store/types.ts';

/** The demo account, printed at start. */
export const DEMO_ACCOUNT = { login: 'demo@resume.local', password: 'resume-demo', displayName: 'Demo' } as const;

/** Where the demo catalogue lives. */
export const DEMO_CATALOG_URL = new URL('./catalog.json', import.meta.url);

/** Read and validate a catalogue file (`{ programs: [...] }`); throws with every error listed. */
export async function readCatalogFile(path: string | URL): Promise<Program[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`catalogue ${String(path)}: ${(err as Error).message}`, { cause: err });
  }
  if (!Value.Check(ProgramUpsertRequest, parsed)) {
    const errors = [...Value.Errors(ProgramUpsertRequest, parsed)].slice(0, 10);
    const lines = errors.map((e) => `  ${e.instancePath || '/'}: ${e.message}`);
    throw new Error(`catalogue ${String(path)} is invalid:\n${lines.join('\n')}`);
  }
  const programs = (parsed as { programs: Program[] }).programs;
  const ids = new Set(programs.map((p) => p.id));
  if (ids.size !== programs.length) throw new Error(`catalogue ${String(path)}: programme ids must be unique`);
  return programs;
}

/** Seed an empty store; returns what was seeded (nothing when the store already has data). */
export async function seedDemo(store: Store, accounts: AccountService): Promise<{ programs: number; account: boolean }> {
  let programs = 0;
  let account = false;
  if ((await store.countPrograms()) === 0) {
    const list = await readCatalogFile(DEMO_CATALOG_URL);
    await store.upsertPrograms(list);
    programs = list.length;
  }
  if ((await store.countUsers()) === 0) {
    await accounts.register(DEMO_ACCOUNT.login, DEMO_ACCOUNT.password, DEMO_ACCOUNT.displayName);
    account = true;
  }
  return { programs, account };
}
