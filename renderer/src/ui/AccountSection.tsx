/**
 * Settings → Account: change the password (the old one asked; says what it ended; this device
 * stays signed in), sign out everywhere (this device too), delete the account (the password
 * asked, then a confirmation; the sign-in screen says what was deleted), and export my data (a
 * JSON download — in the PC app the same web path: an <a download> of a blob).
 */
import { useId, useState, type FormEvent } from 'react';
import type { RevocationSummary } from '../../../common/protocol/account.ts';
import { codeOf, type ClientErrorCode } from '../api/http.ts';
import { errorText } from './Auth.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';

type Open = 'none' | 'password' | 'everywhere' | 'delete';

/** An error line, when there is one. */
function ErrorLine({ code }: { code: ClientErrorCode | null }) {
  const t = useT();
  if (!code) return null;
  return (
    <p className="form-error" role="alert">
      <Icon name="alert" size={18} /> {errorText(code, t)}
    </p>
  );
}

/** A labelled password input. */
function PasswordField({ label, value, onChange, autoComplete, autoFocus }: { label: string; value: string; onChange: (v: string) => void; autoComplete: string; autoFocus?: boolean }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="password" required minLength={8} maxLength={200} autoComplete={autoComplete} value={value} onChange={(e) => onChange(e.target.value)} autoFocus={autoFocus} />
    </>
  );
}

/** Download `data` as a JSON file named `name` (browser and PC app alike). */
export function downloadJson(data: unknown, name: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The Account section of the settings dialog. */
export function AccountSection() {
  const rt = useRuntime();
  const t = useT();
  const headingId = useId();
  const [open, setOpen] = useState<Open>('none');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [password, setPassword] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [changed, setChanged] = useState<RevocationSummary | null>(null);
  const [exported, setExported] = useState<number | null>(null);

  const show = (next: Open) => {
    setOpen(open === next ? 'none' : next);
    setError(null);
    setConfirmDelete(false);
  };
  async function run<T>(fn: () => Promise<T>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(codeOf(e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  const changePassword = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() => rt.api.changePassword({ oldPassword, newPassword, signOutTerminals: true }));
    if (!r) return;
    setChanged(r);
    setOld('');
    setNew('');
    setOpen('none');
  };
  const everywhere = async () => {
    const r = await run(() => rt.api.signOutEverywhere());
    if (!r) return;
    await rt.session.getState().signOut('signed-out-everywhere', { terminals: r.signedOutTerminals, sessions: r.endedSessions });
    window.location.replace('#/');
  };
  const deleteAccount = async (e: FormEvent) => {
    e.preventDefault();
    if (!confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    const r = await run(() => rt.api.deleteAccount(password));
    if (!r) {
      setConfirmDelete(false);
      return;
    }
    await rt.session.getState().signOut('account-deleted', r.deleted);
    window.location.replace('#/');
  };
  const exportData = async () => {
    const data = await run(() => rt.api.exportAccount());
    if (!data) return;
    downloadJson(data, `resume-anywhere-export-${new Date(data.exportedAt).toISOString().slice(0, 10)}.json`);
    setExported(data.history.length);
  };

  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="account">
      <h3 id={headingId}>{t('account.title')}</h3>
      {changed && (
        <p className="callout" role="status" data-testid="password-changed">
          {t('account.password.done', { terminals: changed.signedOutTerminals, sessions: changed.endedSessions })}
        </p>
      )}
      {exported !== null && (
        <p className="callout" role="status" data-testid="exported">
          {t('account.export.done', { count: exported })}
        </p>
      )}
      <div className="row-actions">
        <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open === 'password'} onClick={() => show('password')}>
          {t('account.password')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" disabled={busy} onClick={() => void exportData()}>
          {t('account.export')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open === 'everywhere'} onClick={() => show('everywhere')}>
          {t('account.everywhere')}
        </button>
        <button type="button" className="btn btn-danger btn-sm" aria-expanded={open === 'delete'} onClick={() => show('delete')}>
          {t('account.delete')}
        </button>
      </div>
      {open === 'none' && <ErrorLine code={error} />}

      {open === 'password' && (
        <form className="form" onSubmit={(e) => void changePassword(e)} data-testid="password-form">
          <PasswordField label={t('account.password.old')} value={oldPassword} onChange={setOld} autoComplete="current-password" autoFocus />
          <PasswordField label={t('account.password.new')} value={newPassword} onChange={setNew} autoComplete="new-password" />
          <p className="hint">{t('account.password.hint')}</p>
          <ErrorLine code={error} />
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('account.password.submit')}
          </button>
        </form>
      )}

      {open === 'everywhere' && (
        <div className="device-confirm" role="alert">
          <p>{t('account.everywhere.confirm')}</p>
          <ErrorLine code={error} />
          <div className="row-actions">
            <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => void everywhere()}>
              {t('account.everywhere.yes')}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => show('none')}>
              {t('settings.cancel')}
            </button>
          </div>
        </div>
      )}

      {open === 'delete' && (
        <form className="form" onSubmit={(e) => void deleteAccount(e)} data-testid="delete-form">
          <p>{t('account.delete.lead')}</p>
          <PasswordField label={t('auth.password')} value={password} onChange={setPassword} autoComplete="current-password" autoFocus />
          {confirmDelete && (
            <p className="callout" role="alert">
              {t('account.delete.confirm')}
            </p>
          )}
          <ErrorLine code={error} />
          <button type="submit" className="btn btn-danger" disabled={busy}>
            {t(confirmDelete ? 'account.delete.yes' : 'account.delete.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
