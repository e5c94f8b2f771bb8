/** Schema fragments shared by the route files (OpenAPI and response serialisation). */
import Type from 'typebox';

/** The error body of every 4xx/5xx. */
export const ErrorSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
    requestId: Type.Optional(Type.String({ description: 'On a 5xx: the id the fault was logged under (also the x-request-id header)' })),
  },
  { description: 'Error: stable `code`, human `message`, optional `details`; a 5xx also names its `requestId`' },
);

/** Response entries for errors, to spread into a route's `response`. */
export const errorResponses = { '4xx': ErrorSchema, '5xx': ErrorSchema } as const;

/** OpenAPI security requirement per credential kind (names match app.ts's securitySchemes). */
export const security = {
  user: [{ userSession: [] }],
  terminal: [{ terminalCredential: [] }],
  service: [{ serviceCredential: [] }],
  admin: [{ adminToken: [] }],
} as const;
