import Type from 'typebox';
import { ArchivedParameter, CursorParameter, LimitParameter, SearchParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
import { singleLineText } from '../../lib/text-rules.js';
import { groupFields } from './fields.js';

export { GroupDescription, GroupName } from './fields.js';

export const CreateGroupInput = Type.Object(createProperties(groupFields));

export const UpdateGroupInput = Type.Object(changeProperties(groupFields));

export const ListGroupsQuery = Type.Object({
  q: SearchParameter,
  archived: ArchivedParameter,
  limit: LimitParameter(500),
  cursor: CursorParameter,
});

/** A group as pages and the API show it. */
export const GroupOutput = Type.Object({
  id: Type.Integer(),
  ...outputProperties(groupFields),
  archived: Type.Boolean(),
  studentCount: Type.Integer({ description: 'Active (not archived) students in the group.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

/** A group's name as typed into a picker: a list filter's (groupName) or the student form's. */
export const TypedGroupName = Type.Optional(singleLineText({ maxLength: 100, title: 'Group', errorMessage: 'Type at most 100 characters of the group name.' }));

/** A list's group filter as its form sends it: the name typed (links carry ?group=<id> instead). */
export const GroupFilterQuery = Type.Object({ groupName: TypedGroupName });

/**
 * The picker's suggestions: the text typed, as `q`, or under the name of the input htmx sends it
 * from (an input's value goes under its own name: groupName on the lists, groupId on the student form).
 */
export const GroupChoicesQuery = Type.Object({ q: TypedGroupName, groupName: TypedGroupName, groupId: TypedGroupName });
