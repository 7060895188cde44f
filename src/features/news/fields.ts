// A news article's fields, declared once (lib/record-fields.ts): the API's input and output schemas,
// the form's labels and controls and the audit history's labels derive from this list. Its chosen
// groups (audience "groups") are rows of news_groups, ticked on the form and given by id in the API;
// its cover and audio are files, uploaded on the article's page.
import Type from 'typebox';
import { recordFields } from '../../lib/record-fields.js';
import { multiLineText, singleLineText } from '../../lib/text-rules.js';

/** The categories an article is filed under: a fixed list, so the list's filter stays a handful of links. */
export const newsCategories = ['general', 'announcement', 'event', 'exam', 'research', 'student life'] as const;
export type NewsCategory = (typeof newsCategories)[number];

export const categoryLabels: Record<NewsCategory, string> = {
  general: 'General',
  announcement: 'Announcement',
  event: 'Event',
  exam: 'Exams',
  research: 'Research',
  'student life': 'Student life',
};

/** Who reads an article. "groups": the students of the chosen groups and the lecturers who teach them. */
export const newsAudiences = ['public', 'everyone', 'students', 'lecturers', 'groups'] as const;
export type NewsAudience = (typeof newsAudiences)[number];

export const audienceLabels: Record<NewsAudience, string> = {
  public: 'Public: anyone, also on the landing page and in the feed',
  everyone: 'Everyone signed in',
  students: 'Students',
  lecturers: 'Lecturers',
  groups: 'Chosen groups',
};

/** Who reads it in a word, beside an article (its list's badge, its page's "For: …"). */
export const audienceShortLabels: Record<NewsAudience, string> = {
  public: 'Public',
  everyone: 'Everyone signed in',
  students: 'Students',
  lecturers: 'Lecturers',
  groups: 'Groups',
};

export const NewsCategoryInput = Type.Union(
  newsCategories.map((c) => Type.Literal(c)),
  { title: 'Category', errorMessage: `Choose a category: ${newsCategories.join(', ')}.` },
);

export const NewsAudienceInput = Type.Union(
  newsAudiences.map((a) => Type.Literal(a)),
  { title: 'Audience', errorMessage: `Choose who reads it: ${newsAudiences.join(', ')}.` },
);

const NewsTitle = singleLineText({ minLength: 1, maxLength: 200, title: 'Title', errorMessage: 'Enter a title of 1–200 characters, e.g. Exam timetable published.' });

/** Markdown, rendered through lib/markdown.ts (raw HTML shown as text). */
const NewsBody = multiLineText({ maxLength: 50000, title: 'Body', errorMessage: 'Use at most 50,000 characters for the body.' });

export const newsFields = recordFields({
  category: {
    label: 'Category',
    input: NewsCategoryInput,
    required: true,
    stored: 'text',
    output: Type.String({ enum: [...newsCategories] }),
    visibility: 'teaching',
    form: { section: 'article', control: 'select' },
  },
  title: {
    label: 'Title',
    input: NewsTitle,
    required: true,
    stored: 'text',
    output: Type.String(),
    visibility: 'teaching',
    form: { section: 'article', control: 'text', maxlength: 200 },
  },
  body: {
    label: 'Body',
    input: NewsBody,
    stored: 'as-checked',
    output: Type.String({ description: 'Markdown.' }),
    visibility: 'teaching',
    form: { section: 'article', control: 'textarea', rows: 12, help: 'Markdown: **bold**, _italic_, lists, [links](https://example.org). HTML is shown as text.' },
    // The audit trail names the article by its title; a body of 50,000 characters stays out of it.
    audited: false,
  },
  audience: {
    label: 'Audience',
    input: NewsAudienceInput,
    required: true,
    stored: 'text',
    output: Type.String({ enum: [...newsAudiences] }),
    visibility: 'teaching',
    form: { section: 'audience', control: 'radio' },
  },
});
