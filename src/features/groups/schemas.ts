import Type from 'typebox';
import { ArchivedParameter, CursorParameter, LimitParameter, SearchParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
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
