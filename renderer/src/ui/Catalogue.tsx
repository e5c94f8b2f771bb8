/**
 * The catalogue for this terminal's type: one tile per programme with its length (or a live
 * badge), "watched" or progress from the user's history. A tile resumes the row's point when
 * there is one — the same point the Resume button uses.
 */
import type { HomePage } from '../../../common/protocol/api.ts';
import type { Program } from '../../../common/protocol/model.ts';
import { programSynopsis } from '../../../common/i18n/index.ts';
import { useLanguage, useT } from './context.tsx';
import { programLength, tileFacts } from './format.ts';
import { Icon } from './icons.tsx';
import { navigate } from './navigation.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { Artwork } from './Artwork.tsx';
import { ProgramBadges } from './ProgramBadges.tsx';

/** One catalogue tile. */
function Tile({ program, progress, inRow }: { program: Program; progress: HomePage['progress'][number] | undefined; inRow: boolean }) {
  const t = useT();
  const lang = useLanguage();
  const { title, live, watched } = tileFacts(program, progress, lang);
  return (
    <li className="tile" data-testid="tile" data-program-id={program.id}>
      <button
        type="button"
        className="tile-btn"
        aria-label={[t(inRow ? 'tile.resume.label' : 'tile.play.label', { title }), live && t('tile.live'), watched && t('tile.watched')].filter(Boolean).join(', ')}
        onClick={() => navigate({ name: 'watch', programId: program.id, start: { kind: 'resume' } })}
      >
        <span className="tile-art">
          <Artwork artwork={program.artwork} lazy />
          <span className="tile-play">
            <Icon name="play" size={26} />
          </span>
          {inRow && progress && !live && (
            <ProgressBar percent={progress.percent} />
          )}
        </span>
        <span className="tile-title">{title}</span>
      </button>
      {/* Outside the button (its name is the title), drawn over the artwork. */}
      <span className="tile-badges" aria-hidden="true">
        <ProgramBadges live={live} watched={watched} />
      </span>
      <p className="tile-meta">
        {programLength(program, t)}
      </p>
      <p className="tile-synopsis">{programSynopsis(program, lang)}</p>
    </li>
  );
}

/** The catalogue grid. */
export function Catalogue({ page }: { page: HomePage }) {
  const t = useT();
  const progress = new Map(page.progress.map((p) => [p.programId, p]));
  const inRow = new Set(page.continueWatching.map((c) => c.program.id));
  return (
    <section className="section" aria-labelledby="catalogue-title">
      <div className="section-head">
        <h2 id="catalogue-title">{t('home.catalogue')}</h2>
      </div>
      {page.catalogue.length === 0 ? (
        <p className="empty">{t('home.catalogue.empty')}</p>
      ) : (
        <ul className="tiles">
          {page.catalogue.map((p) => (
            <Tile key={p.id} program={p} progress={progress.get(p.id)} inRow={inRow.has(p.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
