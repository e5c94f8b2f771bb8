/** The validators' strictness and the error mapping at the HTTP edge. */
import { describe, expect, it } from 'vitest';
import Type from 'typebox';
import { LoginRequest } from '../../common/protocol/api.ts';
import { toErrorResponse, validatorCompiler } from './errors.ts';

const compile = (schema: unknown, httpPart = 'body') =>
  validatorCompiler({ schema, httpPart, method: 'POST', url: '/x' } as Parameters<typeof validatorCompiler>[0]) as (v: unknown) => boolean;

describe('validatorCompiler', () => {
  it('compiles the protocol schemas', () => {
    const check = compile(LoginRequest);
    expect(check({ login: 'demo@resume.local', password: 'resume-demo' })).toBe(true);
    expect(check({ login: 'demo@resume.local', password: 'resume-demo', extra: 1 })).toBe(false);
  });

  it('refuses at compile time a schema naming a format no one registered, rather than not enforcing it', () => {
    expect(() => compile(Type.String({ format: 'email' }))).toThrow(/unknown format "email"/);
  });

  it('coerces querystrings but not bodies', () => {
    const schema = Type.Object({ n: Type.Integer() });
    expect(compile(schema, 'querystring')({ n: '3' })).toBe(true);
    expect(compile(schema, 'body')({ n: '3' })).toBe(false);
  });
});

describe('toErrorResponse', () => {
  it('hides an unexpected error behind INTERNAL', () => {
    expect(toErrorResponse(new Error('secret path /etc/x'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'Internal server error' },
      internal: true,
    });
  });
});
