import Type from 'typebox';

export const GroupName = Type.String({
  minLength: 1,
  maxLength: 100,
  title: 'Name',
  errorMessage: 'Enter a name of 1–100 characters, e.g. CS-101.',
});

export const GroupDescription = Type.String({ maxLength: 2000, title: 'Description', errorMessage: 'Use at most 2,000 characters.' });

export const CreateGroupInput = Type.Object({
  name: GroupName,
  description: Type.Optional(GroupDescription),
});

export const UpdateGroupInput = Type.Object({
  name: Type.Optional(GroupName),
  description: Type.Optional(GroupDescription),
});

export const ListGroupsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, errorMessage: 'Search with at most 100 characters.' })),
  archived: Type.Optional(Type.Boolean({ errorMessage: 'Use true or false.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, errorMessage: 'Use a limit from 1 to 500.' })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
});

/** A group as pages and the API show it. */
export const GroupOutput = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  archived: Type.Boolean(),
  studentCount: Type.Integer({ description: 'Active (not archived) students in the group.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
