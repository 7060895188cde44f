import Type from 'typebox';
import { CursorParameter, LimitParameter } from '../../lib/list-parameters.js';
import { changeProperties, createProperties, outputProperties } from '../../lib/record-fields.js';
import { NewsCategoryInput, newsCategories, newsFields } from './fields.js';

/** At most this many groups for one article. */
export const MAX_NEWS_GROUPS = 200;

const GroupIds = Type.Array(Type.Integer({ minimum: 1 }), {
  maxItems: MAX_NEWS_GROUPS,
  uniqueItems: true,
  title: 'Groups',
  errorMessage: `Give the groups that read it as a list of at most ${MAX_NEWS_GROUPS} different group ids, e.g. [3, 7].`,
});

/** A new article: its declared fields (fields.ts), and its groups when the audience is "groups". */
export const CreateNewsInput = Type.Object({ ...createProperties(newsFields), groupIds: Type.Optional(GroupIds) });

export const UpdateNewsInput = Type.Object({ ...changeProperties(newsFields), groupIds: Type.Optional(GroupIds) });

export const ListNewsQuery = Type.Object({
  category: Type.Optional(
    Type.Union([NewsCategoryInput, Type.Literal('')], { title: 'Category', errorMessage: `Choose a category: ${newsCategories.join(', ')}, or none for all.` }),
  ),
  limit: LimitParameter(100),
  cursor: CursorParameter,
});

const Named = Type.Object({ id: Type.Integer(), name: Type.String() });

/** An article as the API answers it (its body only on its own, not in lists). */
export const NewsOutput = Type.Object({
  id: Type.Integer(),
  ...outputProperties(newsFields),
  categoryLabel: Type.String({ description: 'The category as the pages name it, e.g. "Exams" for exam.' }),
  summary: Type.String({ description: 'The body\'s first words as plain text.' }),
  groups: Type.Array(Named, { description: 'The groups that read it (audience "groups").' }),
  author: Type.Union([Type.String(), Type.Null()], { description: 'Who published it.' }),
  publishedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  url: Type.String({ description: 'The article\'s page.' }),
  coverUrl: Type.Union([Type.String(), Type.Null()], { description: 'Its cover image, when it has one.' }),
  coverThumbnailUrl: Type.Union([Type.String(), Type.Null()]),
  audioUrl: Type.Union([Type.String(), Type.Null()], { description: 'Its audio, when it has some (HTTP Range supported).' }),
});
