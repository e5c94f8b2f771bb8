/**
 * The user code of TV linking (RFC 8628) as people see and type it: 8 letters shown as
 * `XXXX-XXXX`. The server is lenient (case, spaces, the dash) and so are we; these helpers
 * only shape what is typed or found in a URL, the server decides whether a code is valid.
 */

/** Letters of a code in the making: separators dropped, upper case, at most 8; null when it holds anything else. */
export function codeLetters(raw: string): string | null {
  if (!/^[A-Za-z\s-]*$/.test(raw)) return null;
  return raw.replace(/[^A-Za-z]/g, '').toUpperCase().slice(0, 8);
}

/** Display form of (part of) a code: `BCDF-GHJK`, `BCDF-G`, `BCD`. */
export function formatCode(letters: string): string {
  return letters.length > 4 ? `${letters.slice(0, 4)}-${letters.slice(4, 8)}` : letters;
}

/** What a code field shows for what was typed: letters only, grouped as they come. */
export function typedCode(raw: string): string {
  return formatCode(raw.replace(/[^A-Za-z]/g, '').toUpperCase().slice(0, 8));
}

/** A complete code (8 letters) in display form, or null. */
export function completeCode(raw: string): string | null {
  if (!/^[A-Za-z\s-]*$/.test(raw)) return null;
  const letters = raw.replace(/[^A-Za-z]/g, '').toUpperCase();
  return letters.length === 8 ? formatCode(letters) : null;
}
