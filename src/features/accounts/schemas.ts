import Type from 'typebox';
import { PageParameter, SearchParameter } from '../../lib/list-parameters.js';
import { singleLineText } from '../../lib/text-rules.js';

export const roles = ['admin', 'lecturer', 'student'] as const;

// ASCII only and stored in lower case (accounts service), so one username has one spelling:
// fullwidth letters become plain ones (NFKC) and nothing invisible fits the pattern.
export const Username = singleLineText({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$',
  form: 'NFKC',
  title: 'Username',
  errorMessage: 'Use 3–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
});

export const CreateAccountInput = Type.Object({
  username: Username,
  role: Type.Union(roles.map((r) => Type.Literal(r)), { errorMessage: 'Choose admin, lecturer or student.' }),
  displayName: Type.Optional(singleLineText({ maxLength: 200, title: 'Display name', errorMessage: 'Use at most 200 characters for the display name.' })),
  /** Omitted: a one-time password is generated and must be changed at the first sign-in. */
  password: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const ListAccountsQuery = Type.Object({
  q: SearchParameter,
  role: Type.Optional(Type.Union([...roles.map((r) => Type.Literal(r)), Type.Literal('')], { title: 'Role', errorMessage: 'Choose admin, lecturer or student.' })),
  page: PageParameter(100000),
});
