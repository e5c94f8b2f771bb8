/**
 * The window's security policy, as pure decisions main/index.ts applies to Electron's hooks:
 *
 * - Navigation (`will-navigate`, `will-redirect`, `will-frame-navigate`): only within the app's
 *   origin (the embedded server's, or the configured remote server's).
 * - `window.open` / target=_blank: always denied inside the app; plain web links (http/https to
 *   another origin) open in the system browser instead, anything else is dropped.
 * - Content-Security-Policy: every response of the app's origin carries one. The server sends
 *   its own strict policy; a response without one (a remote server of another make) gets ours.
 * - Permissions: fullscreen (the player) and writing the clipboard (copy the TV's address) for
 *   the app's origin; everything else (camera, geolocation, notifications …) is refused.
 * - The bridge answers only frames of the app's origin (main/ipc-router.ts asks here).
 */

/** The app's strict Content-Security-Policy (same as the server's, without extra origins). */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The origin of a URL, or null for anything that is not http(s). */
export function httpOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** May the window navigate to `target`? Only to the app's origin. */
export function isAllowedNavigation(target: string, appOrigin: string | null): boolean {
  const origin = httpOrigin(target);
  return origin !== null && origin === appOrigin;
}

/** What to do with a `window.open`: never a new app window; web links go to the system browser. */
export function windowOpenDecision(target: string, appOrigin: string | null): { action: 'deny'; openExternally: string | null } {
  const origin = httpOrigin(target);
  return { action: 'deny', openExternally: origin !== null && origin !== appOrigin ? new URL(target).href : null };
}

/** Response headers with a CSP added when the app's origin sent none. Header names are case-insensitive. */
export function withCsp(headers: Record<string, string[]>, url: string, appOrigin: string | null): Record<string, string[]> {
  if (httpOrigin(url) !== appOrigin) return headers;
  const has = Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy');
  return has ? headers : { ...headers, 'Content-Security-Policy': [APP_CSP] };
}

/** Permissions the app's pages may have. */
const ALLOWED_PERMISSIONS = new Set(['fullscreen', 'clipboard-sanitized-write']);

/** May a page of `requestingUrl` have `permission`? */
export function isPermissionAllowed(permission: string, requestingUrl: string | null, appOrigin: string | null): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && httpOrigin(requestingUrl) === appOrigin && appOrigin !== null;
}

/** May a frame at `url` use the bridge? */
export function isTrustedFrame(url: string | null, appOrigin: string | null): boolean {
  return appOrigin !== null && httpOrigin(url) === appOrigin;
}
