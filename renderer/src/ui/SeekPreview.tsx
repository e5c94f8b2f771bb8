/**
 * Seek preview: the picture at a time (a tile of the programme's thumbnail sheets, via the
 * controller's `thumbnailAt`), the time and the chapter there, floating over the seek bar — on
 * desktop hover and drag, a phone's drag, and the TV's scrub. Chapter marks on the bar too.
 */
import { useCallback, useEffect, useRef, useState, type CSSProperties } from 'react';
import { formatClock } from '../../../common/i18n/index.ts';
import type { Chapter } from '../../../common/protocol/model.ts';
import type { PlayerController } from '../player/controller.ts';
import { chapterAt, type PreviewTile } from '../player/tracks.ts';

/** What the preview shows. */
export interface Preview {
  /** Media seconds. */
  time: number;
  tile: PreviewTile | null;
  chapter: string | null;
}

/** The preview at a time, looked up as it moves (the newest request wins); `width` in px. */
export function useSeekPreview(controller: PlayerController | null, chapters: readonly Chapter[] | undefined, width: number) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const asked = useRef(0);
  const show = useCallback(
    (time: number) => {
      const n = ++asked.current;
      const chapter = chapterAt(chapters, time)?.title ?? null;
      setPreview((p) => ({ time, tile: p?.tile ?? null, chapter }));
      void controller?.thumbnailAt(time, width).then((tile) => {
        if (n === asked.current) setPreview({ time, tile, chapter });
      });
    },
    [controller, chapters, width],
  );
  const hide = useCallback(() => {
    asked.current++;
    setPreview(null);
  }, []);
  useEffect(() => hide, [hide]);
  return { preview, show, hide };
}

/** The floating preview at `leftPercent` of the bar. */
export function SeekPreviewBox({ preview, leftPercent, className = 'seek-preview' }: { preview: Preview; leftPercent: number; className?: string }) {
  const tile = preview.tile;
  const style = { left: `${Math.min(100, Math.max(0, leftPercent))}%` } as CSSProperties;
  return (
    <div className={className} style={style} aria-hidden="true" data-testid="seek-preview">
      {tile && (
        <div
          className="seek-preview-img"
          data-testid="seek-preview-img"
          style={{ width: tile.width, height: tile.height, backgroundImage: `url("${tile.url}")`, backgroundSize: tile.backgroundSize, backgroundPosition: tile.backgroundPosition }}
        />
      )}
      {preview.chapter && <span className="seek-preview-chapter">{preview.chapter}</span>}
      <span className="seek-preview-time">{formatClock(preview.time)}</span>
    </div>
  );
}

/** Chapter marks along a bar spanning `max` seconds. */
export function ChapterMarks({ chapters, max, className = 'chapter-marks' }: { chapters: readonly Chapter[] | undefined; max: number; className?: string }) {
  if (!chapters || chapters.length < 2 || max <= 0) return null;
  return (
    <span className={className} aria-hidden="true" data-testid="chapter-marks">
      {chapters
        .filter((c) => c.startMs > 0 && c.startMs / 1000 < max)
        .map((c) => (
          <span key={c.startMs} style={{ left: `${(c.startMs / 1000 / max) * 100}%` }} />
        ))}
    </span>
  );
}
