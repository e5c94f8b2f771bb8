/**
 * Routes: linking a TV by code (RFC 8628). `authorize` and `token` are called by the TV, which
 * has no credential yet; `link` by the signed-in user. All three are rate-limited per IP, and
 * `link` also caps wrong guesses.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DeviceAuthorizeRequest,
  DeviceAuthorizeResponse,
  DeviceLinkRequest,
  DeviceLinkResponse,
  DeviceTokenRequest,
  DeviceTokenResponse,
} from '../../common/protocol/device.ts';
import { guard, principalOf, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { DeviceService } from './device-service.ts';

/** Options of the device routes. */
export interface DeviceRoutesOptions {
  devices: DeviceService;
  auth: Authenticator;
  /** Requests per IP per minute on authorize and link (polling has its own interval rule). */
  rateLimit: number;
  /** Base URL of the web terminal; null = from the request's Host. */
  publicUrl: string | null;
}

export const deviceRoutes: FastifyPluginAsyncTypebox<DeviceRoutesOptions> = async (app, { devices, auth, rateLimit, publicUrl }) => {
  const tags = ['accounts'];
  const limit = { max: rateLimit, timeWindow: 60_000 };

  app.post(
    '/api/v1/device/authorize',
    {
      config: { rateLimit: limit },
      schema: { tags, summary: 'A TV asks for a code pair to show (RFC 8628)', body: DeviceAuthorizeRequest, response: { 200: DeviceAuthorizeResponse, ...errorResponses } },
    },
    async (req) => {
      const base = publicUrl ?? `${req.protocol}://${req.host}`;
      return devices.authorize(`${base}/#/link`, req.body.name, req.body.type);
    },
  );

  app.post(
    '/api/v1/device/token',
    {
      // Polling is paced by the interval rule (SLOW_DOWN); this only stops floods.
      config: { rateLimit: { max: Math.max(rateLimit, 60), timeWindow: 60_000 } },
      schema: { tags, summary: 'The TV polls: pending, slow down, expired, or its terminal credential', body: DeviceTokenRequest, response: { 200: DeviceTokenResponse, ...errorResponses } },
    },
    async (req) => devices.poll(req.body.deviceCode),
  );

  app.post(
    '/api/v1/device/link',
    {
      // A signed-in person, or any terminal already registered to the account (the PC app or a
      // phone holds a terminal credential, not a password), may approve a TV.
      onRequest: guard(auth, ['user', 'terminal']),
      config: { rateLimit: limit },
      schema: {
        tags,
        summary: 'Enter the code shown on a TV to make it a terminal of my account (user session or terminal credential)',
        security: [...security.user, ...security.terminal],
        body: DeviceLinkRequest,
        response: { 200: DeviceLinkResponse, ...errorResponses },
      },
    },
    async (req) => {
      const p = req.principal;
      const userId = p?.kind === 'terminal' ? p.userId : principalOf(req, 'user').userId;
      return devices.link(userId, req.body.userCode, req.body.name);
    },
  );
};
