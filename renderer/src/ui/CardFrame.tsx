/**
 * The frame at a card's breakpoint over its poster (desktop and TV Continue-watching cards),
 * from the programme's thumbnails (player/frame.ts); the poster stays when there is none.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ContinueItem } from '../../../common/protocol/api.ts';
import { loadCardFrame, type CardFrame as Frame } from '../player/frame.ts';
import { useRuntime } from './context.tsx';

/** The frame layer of a card's artwork (decorative: the card's text says where it stopped). */
export function CardFrame({ item }: { item: ContinueItem }) {
  const rt = useRuntime();
  const [frame, setFrame] = useState<Frame | null>(null);
  const point = item.record.breakpoint.kind === 'offset' ? item.record.breakpoint.offsetMs : null;
  const credential = useStore(rt.session, (s) => s.identity?.credential ?? null);
  useEffect(() => {
    let live = true;
    setFrame(null);
    void loadCardFrame(rt.baseUrl(), item, credential).then((f) => live && setFrame(f));
    return () => {
      live = false;
    };
  }, [rt, item.program.id, point, credential]);
  if (!frame) return null;
  return (
    <span
      className="card-frame"
      aria-hidden="true"
      data-testid="cw-frame"
      style={{ backgroundImage: `url("${frame.url}")`, backgroundSize: frame.backgroundSize, backgroundPosition: frame.backgroundPosition }}
    />
  );
}
