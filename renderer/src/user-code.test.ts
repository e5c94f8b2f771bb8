import { describe, expect, it } from 'vitest';
import { codeLetters, completeCode, formatCode, typedCode } from './user-code.ts';

describe('user codes', () => {
  it('groups letters as they are typed', () => {
    expect(['', 'b', 'bcdf', 'bcdfg', 'bcdf-ghjk', 'BCDF GHJK xyz'].map(typedCode)).toEqual(['', 'B', 'BCDF', 'BCDF-G', 'BCDF-GHJK', 'BCDF-GHJK']);
    expect(typedCode('bc1d-f!')).toBe('BCDF');
    expect(formatCode('BCDFGHJK')).toBe('BCDF-GHJK');
  });

  it('keeps letters, spaces and dashes only', () => {
    expect(codeLetters(' bcdf-ghjk ')).toBe('BCDFGHJK');
    expect(codeLetters('bcdf1ghj')).toBeNull();
    expect(codeLetters('')).toBe('');
  });

  it('a complete code is exactly 8 letters', () => {
    expect(completeCode('bcdf ghjk')).toBe('BCDF-GHJK');
    expect(completeCode('BCDF-GHJ')).toBeNull();
    expect(completeCode('BCDF-GHJKL')).toBeNull();
    expect(completeCode('BCDF-GHJ1')).toBeNull();
  });
});
