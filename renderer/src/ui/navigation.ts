/**
 * Moving between screens through the URL hash, and the hook that follows it. Leaving the
 * player goes back in history when the app opened it (so Back and Esc agree), else home.
 */
import { useEffect, useMemo, useState } from 'react';
import { hrefOf, parseRoute, type Route } from '../route.ts';

let openedFromApp = false;

/** Go to a route (a new history entry). */
export function navigate(route: Route): void {
  if (route.name === 'watch') openedFromApp = true;
  window.location.hash = hrefOf(route);
}

/** Leave the player (or settings) for home. */
export function goHome(): void {
  if (openedFromApp) {
    openedFromApp = false;
    window.history.back();
  } else {
    window.location.replace(hrefOf({ name: 'home' }));
  }
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
