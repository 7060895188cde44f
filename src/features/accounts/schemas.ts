import Type from 'typebox';
import { PageParameter, SearchParameter } from '../../lib/list-parameters.js';
import { createProperties } from '../../lib/record-fields.js';
import { accountFields, roles } from './fields.js';

export { roles, Username } from './fields.js';

export const CreateAccountInput = Type.Object({
  ...createProperties(accountFields),
  /** Omitted: a one-time password is generated and must be changed at the first sign-in. */
  password: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const ListAccountsQuery = Type.Object({
  q: SearchParameter,
  role: Type.Optional(Type.Union([...roles.map((r) => Type.Literal(r)), Type.Literal('')], { title: 'Role', errorMessage: 'Choose admin, lecturer or student.' })),
  page: PageParameter(100000),
});
