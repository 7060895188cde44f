// The API's shared shapes as TypeBox (JSON Schema): they describe the routes in the OpenAPI document
// and shape the JSON the routes send. Inputs are validated by each feature's service with its own
// schema (lib/validation.ts), the same rules and messages as the pages.
import Type, { type TSchema } from 'typebox';
import { roles } from '../accounts/schemas.js';

/** Every error the API answers: the error handler's JSON body (plugins/error-handler.ts). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description:
          'What went wrong, for programs: `invalid` (422), `not_found` (404), `forbidden` (403), `conflict` (409), `unauthenticated` or `invalid_token` (401), `rate_limited` (429), `password_change_required` (403), `bad_request`, `unavailable` or `maintenance` (503), `internal` (500).',
        examples: ['invalid'],
      }),
      message: Type.String({ description: 'What went wrong, for people.', examples: ['Check the highlighted fields.'] }),
      fields: Type.Optional(
        Type.Object(
          {},
          {
            additionalProperties: Type.String(),
            description: 'One message per input field that needs fixing (with `invalid`, sometimes `conflict`); absent when no field is to blame.',
            examples: [{ lastName: 'Enter the last name.' }],
          },
        ),
      ),
      errorId: Type.Optional(Type.String({ description: 'With a 5xx: quote it to the operators; the server log has the details under this id.' })),
    }),
  },
  { $id: 'Error', description: 'Every error answer of the API.' },
);

export const Me = Type.Object(
  {
    id: Type.Integer({ description: "The account's id." }),
    username: Type.String(),
    displayName: Type.String(),
    role: Type.Union([Type.Literal(roles[0]), Type.Literal(roles[1]), Type.Literal(roles[2])]),
    isAdmin: Type.Boolean({ description: 'An admin, or a lecturer with the admin flag: may manage everything.' }),
    studentId: Type.Union([Type.Integer(), Type.Null()], { description: 'The student record this account belongs to, if any.' }),
    lecturerId: Type.Union([Type.Integer(), Type.Null()], { description: 'The lecturer record this account belongs to, if any.' }),
  },
  { $id: 'Me', description: 'The account the token (or session) acts as.' },
);

/** A reference to a shared schema; the OpenAPI document lists it under components.schemas. */
export function ref(id: string): TSchema {
  return Type.Unsafe({ $ref: `${id}#` });
}

/** A page of a list: the items and the cursor of the next page (null on the last page). */
export function pageOf(id: string) {
  return Type.Object({
    items: Type.Array(ref(id)),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass it as `cursor` to get the next page with the same filters; null on the last page.',
    }),
  });
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: "The record's id." }) });

/** The errors any API route may answer, described once by reference. */
export const errorResponses = {
  401: { ...ref('Error'), description: 'No token, or a token that is malformed, revoked, expired or belongs to a disabled account.' },
  429: { ...ref('Error'), description: 'More than 1000 requests in an hour with this token.' },
  '4xx': { ...ref('Error'), description: 'Any other client error (see `error.code`).' },
  '5xx': { ...ref('Error'), description: 'A server error; `error.errorId` names it in the server log.' },
} as const;

/** Schemas every route may refer to by id, registered once on the app (components.schemas). */
export const sharedSchemas: TSchema[] = [ErrorResponse, Me];
