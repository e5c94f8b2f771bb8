/**
 * The protocol's schemas as this client checks what the server sends: an object may carry
 * properties the schema does not name. The server keeps refusing unknown fields in what it is
 * sent (its schemas say `additionalProperties: false`); a client reading answers does not:
 * - a newer server may add a field to an answer, and a PC app or a set-top box's kept web shell
 *   older than its server must go on working (robustness principle) — with the strict schemas
 *   one added field made every catalogue page a BAD_RESPONSE;
 * - TypeBox's interpreted `Check` (the page's CSP forbids its compiled validators) builds a
 *   regular expression of an object's property names each time it checks
 *   `additionalProperties: false`: checking a 200-programme catalogue took 9.3–9.6 ms with the
 *   strict schema and 5.2 ms with this one (Node, the 2-core test machine; a set-top box's CPU
 *   is several times slower, and this check runs at every start).
 * Every property the schema names is checked as before (types, required, bounds, patterns).
 */
import type { TSchema } from 'typebox';

const copies = new WeakMap<object, unknown>();

/**
 * The same schema as plain JSON Schema without `additionalProperties: false` (a JSON copy:
 * TypeBox's own hidden marks are not needed to check a value). One copy per schema.
 */
export const lenient = <T extends TSchema>(schema: T): T =>
  (copies.get(schema) ?? copies.set(schema, JSON.parse(JSON.stringify(schema), (k, v: unknown) => (k === 'additionalProperties' && v === false ? undefined : v))).get(schema)) as T;
