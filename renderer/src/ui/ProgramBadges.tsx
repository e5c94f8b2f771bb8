/** The live / watched badges of a programme, on desktop tiles and TV cards (apart from Catalogue.tsx for the TV's startup script). */
import { useT } from './context.tsx';
import { Icon } from './icons.tsx';

/** A programme's badges: live, watched (tiles on every interface). */
export function ProgramBadges({ live, watched, checkSize = 14 }: { live: boolean; watched: boolean; checkSize?: number }) {
  const t = useT();
  return (
    <>
      {live && <span className="badge badge-live">{t('tile.live')}</span>}
      {watched && (
        <span className="badge badge-watched">
          <Icon name="check" size={checkSize} /> {t('tile.watched')}
        </span>
      )}
    </>
  );
}
