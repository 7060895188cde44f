// The demo department's news, published through the news service as people would: the admin's
// public articles (with cover images, for the landing page and the feed), news for everyone signed
// in, for students and for lecturers, and the demo lecturer's note to one of the groups they teach.
import type { ServiceContext } from '../context.js';
import { actorFromUser, findUserByUsername } from '../features/auth/service.js';
import { setCover } from '../features/news/media.js';
import { createNews } from '../features/news/service.js';

const plan = [
  {
    author: 'admin',
    category: 'announcement',
    audience: 'public',
    title: 'Welcome to the department’s new site',
    body: 'Students, lecturers and staff now find **subjects, materials, exercises and scores** in one place.\n\nSign in with your department account; your first password is the one-time password the office gave you.',
    cover: ['#0d6efd', '#20c997'],
  },
  {
    author: 'admin',
    category: 'event',
    audience: 'public',
    title: 'Open day: meet the department',
    body: 'Prospective students are welcome to visit the labs, meet lecturers and sit in on a lecture.\n\n- talks every hour\n- lab tours\n- questions answered by current students',
    cover: ['#6f42c1', '#d63384'],
  },
  { author: 'admin', category: 'exam', audience: 'everyone', title: 'Library opening hours during exams', body: 'The library stays open until 22:00 on weekdays for the exam period.', cover: null },
  { author: 'admin', category: 'exam', audience: 'students', title: 'Exam registration is open', body: 'Register for the winter exams on the student portal by the end of next week.', cover: null },
  { author: 'admin', category: 'general', audience: 'lecturers', title: 'Staff meeting on Thursday', body: 'Agenda: the new term’s timetable, the Waiting Room, and exam supervision.', cover: null },
] as const;

/**
 * A banner in two colours with a few circles, drawn by sharp from SVG (PNG, as a camera or editor
 * would give one). No text: the page shows the title, and a square thumbnail would cut it.
 */
async function banner([from, to]: readonly [string, string]): Promise<Buffer> {
  const circles = [
    [900, 180, 220, 0.18],
    [1050, 470, 140, 0.12],
    [260, 520, 180, 0.1],
  ]
    .map(([x, y, r, o]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="white" fill-opacity="${o}"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="1200" height="600" fill="url(#g)"/>${circles}</svg>`;
  // Loaded here, not with the module: the server imports the demo's logins, and sharp is 14 MB.
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function seedDemoNews(ctx: ServiceContext, lecturerNote: { username: string; groupId: number }): Promise<void> {
  const asUser = async (username: string) => {
    const user = await findUserByUsername(ctx, username);
    if (!user) throw new Error(`the demo account ${username} is missing`);
    return { ...ctx, actor: actorFromUser(user) };
  };
  const admin = await asUser('admin');
  for (const article of plan) {
    const made = await createNews(admin, { category: article.category, title: article.title, body: article.body, audience: article.audience });
    if (article.cover && ctx.storage) await setCover(admin, made.id, { bytes: await banner(article.cover), filename: 'cover.png' });
  }
  await createNews(await asUser(lecturerNote.username), {
    category: 'general',
    title: 'Programming lab moves to room 12',
    body: 'From next week the Programming Fundamentals lab is in **room 12**. Bring your laptop.',
    audience: 'groups',
    groupIds: [lecturerNote.groupId],
  });
}
