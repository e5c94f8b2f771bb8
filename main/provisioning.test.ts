/** The fleet config file: where it is, what it may say, what happens with a bad one. */
import { describe, expect, it } from 'vitest';
import { defaultConfigPath, loadProvisioning, parseProvisioning } from './provisioning.ts';

const enoent = () => {
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};

describe('provisioning file', () => {
  it('has one documented place per OS', () => {
    expect(defaultConfigPath('linux', {})).toBe('/etc/resume-anywhere/config.json');
    expect(defaultConfigPath('darwin', {})).toBe('/Library/Application Support/Resume Anywhere/config.json');
    expect(defaultConfigPath('win32', { ProgramData: 'D:\\PD' })).toMatch(/^D:\\PD.Resume Anywhere.config\.json$/);
  });

  it('reads --config first, then RA_CONFIG, then the default path', () => {
    const seen: string[] = [];
    const read = (p: string) => (seen.push(p), '{}');
    loadProvisioning('/tmp/a.json', 'linux', { RA_CONFIG: '/tmp/b.json' }, read);
    loadProvisioning(null, 'linux', { RA_CONFIG: '/tmp/b.json' }, read);
    loadProvisioning(null, 'linux', {}, read);
    expect(seen).toEqual(['/tmp/a.json', '/tmp/b.json', '/etc/resume-anywhere/config.json']);
  });

  it('locks the settings and the language it names', () => {
    const p = parseProvisioning(
      JSON.stringify({ serverUrl: 'https://tv.example.org', kiosk: true, startOnBoot: true, terminal: { name: 'Lobby TV', type: 'stb' }, language: 'zh-CN', settings: { muted: true } }),
      '/etc/resume-anywhere/config.json',
    );
    expect(p.problem).toBeNull();
    expect(p.locked).toEqual({ muted: true, language: 'zh-CN' });
    expect(p.config.terminal).toEqual({ name: 'Lobby TV', type: 'stb' });
  });

  it('no file at the default place is no provisioning; a named missing file is a problem', () => {
    expect(loadProvisioning(null, 'linux', {}, enoent)).toEqual({ source: null, config: {}, locked: {}, problem: null });
    expect(loadProvisioning('/nope.json', 'linux', {}, enoent).problem).toMatch(/nope\.json cannot be read \(ENOENT\)/);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['unknown key', '{"kisok": true}', /does not fit/],
    ['bad language', '{"language": "fr"}', /does not fit/],
    ['serverUrl inside settings', '{"settings": {"serverUrl": "http://x"}}', /does not fit/],
    ['a name too long', `{"terminal": {"name": "${'x'.repeat(61)}"}}`, /does not fit/],
  ])('ignores a bad file as a whole (%s), saying why', (_what, text, problem) => {
    const p = parseProvisioning(text, '/etc/resume-anywhere/config.json');
    expect(p.problem).toMatch(problem);
    expect(p.config).toEqual({});
    expect(p.locked).toEqual({});
  });
});
