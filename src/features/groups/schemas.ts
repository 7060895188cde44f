import Type from 'typebox';
import { ArchivedParameter, CursorParameter, LimitParameter, SearchParameter } from '../../lib/list-parameters.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

/** Unique by its folded key (lib/text-rules uniqueNameKey): case, width and dashes aside. */
export const GroupName = singleLineText({
  minLength: 1,
  maxLength: 100,
  title: 'Group name',
  errorMessage: 'Enter a name of 1–100 characters, e.g. CS-101.',
});

export const GroupDescription = multiLineText({ maxLength: 2000, title: 'Description', errorMessage: 'Use at most 2,000 characters.' });

export const CreateGroupInput = Type.Object({
  name: GroupName,
  description: Type.Optional(GroupDescription),
});

export const UpdateGroupInput = Type.Object({
  name: Type.Optional(GroupName),
  description: Type.Optional(GroupDescription),
});

export const ListGroupsQuery = Type.Object({
  q: SearchParameter,
  archived: ArchivedParameter,
  limit: LimitParameter(500),
  cursor: CursorParameter,
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
