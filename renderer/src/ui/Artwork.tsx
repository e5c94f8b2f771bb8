/**
 * A programme's artwork on a card or tile. Artwork comes from the network (the service worker
 * keeps only the app), so offline an image that was not loaded yet fails: then it hides itself,
 * leaving the card's own background, instead of the browser's broken-image icon — and tries
 * again once the terminal is back online.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { isOffline } from '../stores/connectivity.ts';
import { useRuntime } from './context.tsx';
import { artworkUrl } from './format.ts';

export function Artwork({ artwork, lazy = false }: { artwork: string; lazy?: boolean }) {
  const rt = useRuntime();
  const offline = useStore(rt.connectivity, isOffline);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!offline) setFailed(false);
  }, [offline]);
  if (failed) return null;
  return <img src={artworkUrl(rt.baseUrl(), artwork)} alt="" loading={lazy ? 'lazy' : undefined} decoding="async" data-testid="artwork" onError={() => setFailed(true)} />;
}
