import Type from 'typebox';

export const roles = ['admin', 'lecturer', 'student'] as const;

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$',
  errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
});

export const CreateAccountInput = Type.Object({
  username: Username,
  role: Type.Union(roles.map((r) => Type.Literal(r)), { errorMessage: 'Choose admin, lecturer or student.' }),
  displayName: Type.Optional(Type.String({ maxLength: 200, errorMessage: 'Use at most 200 characters.' })),
  /** Omitted: a one-time password is generated and must be changed at the first sign-in. */
  password: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const ListAccountsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(Type.Union([...roles.map((r) => Type.Literal(r)), Type.Literal('')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
});
