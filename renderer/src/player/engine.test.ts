import { describe, expect, it } from 'vitest';
// The app's Shaka build as text (Vite's ?raw): its constants, without loading the library.
import shakaSource from 'shaka-player/dist/shaka-player.dash.debug.js?raw';
import { classifyError, SHAKA_ERROR } from './engine.ts';

/** Shaka's own value of `shaka.util.Error.<group>.<name>` in its DASH build. */
function shakaConstant(group: 'Code' | 'Category' | 'Severity', name: string): number {
  const body = new RegExp(`shaka\\.util\\.Error\\.${group}=\\{([^}]*)\\}`).exec(shakaSource)?.[1] ?? '';
  const m = new RegExp(`(?:^|,)${name}:([0-9.]+(?:E[0-9]+)?)(?:,|$)`).exec(body);
  if (!m) throw new Error(`${group}.${name} not in Shaka's build`);
  return Number(m[1]);
}

describe('engine error reading', () => {
  it('uses Shaka’s own numbers', () => {
    expect(SHAKA_ERROR.CATEGORY_NETWORK).toBe(shakaConstant('Category', 'NETWORK'));
    expect(SHAKA_ERROR.SEVERITY_CRITICAL).toBe(shakaConstant('Severity', 'CRITICAL'));
    expect(SHAKA_ERROR.BAD_HTTP_STATUS).toBe(shakaConstant('Code', 'BAD_HTTP_STATUS'));
    expect(SHAKA_ERROR.LOAD_INTERRUPTED).toBe(shakaConstant('Code', 'LOAD_INTERRUPTED'));
    expect(SHAKA_ERROR.OPERATION_ABORTED).toBe(shakaConstant('Code', 'OPERATION_ABORTED'));
  });

  it('classifies', () => {
    expect(classifyError(new Error('x'))).toEqual({ kind: 'not-engine' });
    expect(classifyError(null)).toEqual({ kind: 'not-engine' });
    expect(classifyError({ code: 7000, category: 7, severity: 2 })).toEqual({ kind: 'ignore' });
    expect(classifyError({ code: 1001, category: 1, severity: 2, data: ['u', 403] })).toEqual({ kind: 'network', status: 403 });
    expect(classifyError({ code: 1002, category: 1, severity: 1 })).toEqual({ kind: 'network', status: 0 });
    expect(classifyError({ code: 3016, category: 3, severity: 2 })).toEqual({ kind: 'critical' });
    expect(classifyError({ code: 3016, category: 3, severity: 1 })).toEqual({ kind: 'recoverable' });
  });
});
