import Type from 'typebox';
import { GroupParameter } from '../../lib/list-parameters.js';

/** /subjects/:id/gradebook?group=ID (and its exports): which of the subject's groups; none, the first. */
export const GradebookQuery = Type.Object({ group: GroupParameter });
