import * as Type from 'typebox';
import { Check } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ByLanguage, Program } from '../../../common/protocol/model.ts';
import { lenient } from './lenient.ts';

const program = {
  id: 'film', title: 'Film', synopsis: '', durationMs: 1000, kind: 'vod', terminalTypes: ['stb'], artwork: 'a.jpg', links: [{ dash: 'film/m.mpd' }],
};

describe('lenient', () => {
  it('lets objects carry properties the schema does not name, at every depth, and nothing else', () => {
    const L = lenient(Type.Object({ programs: Type.Array(Program) }, { additionalProperties: false }));
    expect(Check(L, { programs: [program], extra: 1 })).toBe(true);
    expect(Check(L, { programs: [{ ...program, trailer: 't', links: [{ dash: 'film/m.mpd', dvr: true }] }] })).toBe(true);
    // Everything named is checked as before: types, required fields, bounds, enumerations.
    expect(Check(L, { programs: [{ ...program, durationMs: 'x' }] })).toBe(false);
    const { title: _, ...untitled } = program;
    expect(Check(L, { programs: [untitled] })).toBe(false);
    expect(Check(L, { programs: [{ ...program, kind: 'film' }] })).toBe(false);
    expect(Check(L, { programs: [{ ...program, terminalTypes: [] }] })).toBe(false);
    // The strict schema is untouched (the server's refusals stay).
    expect(Check(Program, { ...program, trailer: 't' })).toBe(false);
  });

  it('keeps checking the values of a record keyed by pattern', () => {
    const L = lenient(Type.Object({ titles: ByLanguage(Type.String({ maxLength: 5 })) }));
    expect(Check(L, { titles: { 'zh-CN': 'abc' } })).toBe(true);
    expect(Check(L, { titles: { 'zh-CN': 'too long a title' } })).toBe(false);
    expect(Check(L, { titles: { 'zh-CN': 7 } })).toBe(false);
  });

  it('keeps a property that happens to be named additionalProperties', () => {
    const L = lenient(Type.Object({ additionalProperties: Type.Boolean() }, { additionalProperties: false }));
    expect(Check(L, { additionalProperties: false })).toBe(true);
    expect(Check(L, {})).toBe(false);
    expect(Check(L, { additionalProperties: 'no' })).toBe(false);
  });

  it('is one copy per schema', () => {
    expect(lenient(Program)).toBe(lenient(Program));
    expect(lenient(Program)).not.toBe(Program);
  });
});
