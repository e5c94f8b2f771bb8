/**
 * Remote control routes (issue 15, step 3; global/remote.ts):
 * - `POST /api/v1/remote/commands` (terminal credential): command a session of this household
 *   and profile (play, pause, seek-by, seek-to, stop, play-on, status, set-audio, set-subtitles);
 *   answers once the target carried it out (with its tracks), or refuses with a stable code;
 * - `POST /api/v1/remote/play-on` (terminal credential): play a programme nothing plays (a card)
 *   on another terminal of this household and profile, at the profile's point (global's pick);
 * - `POST /api/v1/remote/answers` (terminal credential): the target's answer to a pushed command;
 * - `GET /api/v1/remote/targets` (terminal credential): the terminals "Play on ▸" may offer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  RemoteAnswerAccepted,
  RemoteAnswerRequest,
  RemoteCommandAnswer,
  RemoteCommandRequest,
  RemotePlayOnAnswer,
  RemotePlayOnRequest,
  RemoteTargetList,
} from '../../common/protocol/remote.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { RemoteService } from './remote.ts';

/** Options of the remote routes. */
export interface RemoteRoutesOptions {
  remote: RemoteService;
  auth: Authenticator;
}

export const remoteRoutes: FastifyPluginAsyncTypebox<RemoteRoutesOptions> = async (app, { remote, auth }) => {
  app.post(
    '/api/v1/remote/commands',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Remote control: command a session another terminal of this profile is playing, or play it on another terminal',
        description:
          'Pushed (`remote` event) to the terminal that carries it out; answers once it did. Errors: SESSION_NOT_FOUND ' +
          '(no such session in this household), REMOTE_NOT_ALLOWED (another profile’s, above the limit), REMOTE_SELF, ' +
          'REMOTE_TARGET_OFFLINE (no open push stream), REMOTE_NO_ANSWER (no answer within 3 s), REMOTE_REFUSED ' +
          '(`details.reason`: not-playing, busy, not-allowed, unsupported — e.g. no track of that language —, failed). ' +
          'A `done` answer carries the target’s audio and subtitle languages (`tracks`) when it plays the session.',
        security: security.terminal,
        body: RemoteCommandRequest,
        response: { 200: RemoteCommandAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      return remote.send({ userId: p.userId, terminal: p.terminal }, req.body);
    },
  );

  app.post(
    '/api/v1/remote/play-on',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Play on ▸ from a card: start a programme on another terminal of this profile, at the profile’s point',
        description:
          'Nothing needs to play it: global picks the start from the profile’s history (the newest point, as the ' +
          'Continue-watching card shows it; none — from the beginning — without a point, or when watched to the end) ' +
          'and pushes a `remote` event (`command: play-program`, `programId`, `start`) to that terminal only; answers ' +
          'once it has started. Errors: PROGRAM_NOT_FOUND (unknown, or not offered on that terminal), TERMINAL_NOT_FOUND ' +
          '(not a terminal of this household, or removed), REMOTE_SELF (this terminal), REMOTE_NOT_ALLOWED (another ' +
          'profile there, above either profile’s limit), REMOTE_TARGET_OFFLINE, REMOTE_NO_ANSWER (no answer within 3 s), ' +
          'REMOTE_REFUSED (`details.reason`: busy — it plays another programme —, not-allowed, failed).',
        security: security.terminal,
        body: RemotePlayOnRequest,
        response: { 200: RemotePlayOnAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      return remote.playOn({ userId: p.userId, terminal: p.terminal }, req.body);
    },
  );

  app.post(
    '/api/v1/remote/answers',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Answer a remote command pushed to this terminal: carried out, or refused with a reason',
        description: 'Errors: REMOTE_COMMAND_NOT_FOUND (not this terminal’s, already answered, or timed out).',
        security: security.terminal,
        body: RemoteAnswerRequest,
        response: { 200: RemoteAnswerAccepted, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      remote.answer({ userId: p.userId, terminal: p.terminal }, req.body);
      return { accepted: true as const };
    },
  );

  app.get(
    '/api/v1/remote/targets',
    {
      onRequest: guard(auth, ['terminal']),
      schema: {
        tags: ['history'],
        summary: 'Play on ▸: the terminals of this household and profile that are connected now',
        security: security.terminal,
        response: { 200: RemoteTargetList, ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req, 'terminal');
      return { terminals: await remote.targets({ userId: p.userId, terminal: p.terminal }) };
    },
  );
};
