// What a question asks, without a model: each intent is known by its words, scored by how many of
// them the question has; "how do I …" questions go to the users' guide unless they ask how many.
// English only (the guide and the pages are in English); anything else goes to the guide's search.

export const intents = ['deadlines', 'scores', 'files', 'waiting', 'news', 'subjects', 'thesis', 'counts', 'greeting'] as const;
export type Intent = (typeof intents)[number] | 'guide';

/** Each intent's words and phrases, matched on whole words of the folded question. */
const signs: Record<(typeof intents)[number], RegExp[]> = {
  deadlines: [/\bdeadlines?\b/, /\bdue\b/, /\boverdue\b/, /\bwhen\b.*\b(hand|send|submit|turn)\b/, /\bnext (exercise|assignment|homework)/, /\bupcoming\b/, /\b(homework|assignments?)\b/],
  scores: [/\bscores?\b/, /\bscored\b/, /\bgrades?\b/, /\bmarks?\b/, /\bwhat did (i|they|he|she|we|[\w-]+ students?) (get|score)\b/, /\b(get|got) in\b/, /\bhow did i do\b/, /\bresults?\b/, /\bgradebook\b/],
  files: [/\bfiles?\b/, /\bmaterials?\b/, /\bslides?\b/, /\blecture notes\b/, /\bdownloads?\b/, /\breadings?\b/, /\bdocuments?\b/],
  waiting: [/\bwaiting\b/, /\bwaiting room\b/, /\bto (score|grade|mark)\b/, /\b(unscored|ungraded|pending)\b/, /\bhand-?ins?\b/, /\bsubmissions?\b/],
  news: [/\bnews\b/, /\bannouncements?\b/, /\bwhat'?s new\b/, /\barticles?\b/],
  subjects: [/\bmy subjects\b/, /\bwhich subjects\b/, /\bwhat subjects\b/, /\bsubjects\b/, /\bcourses\b/, /\bwhat do i (study|teach|take)\b/],
  thesis: [/\bthesis\b/, /\btheses\b/, /\bdiploma\b/, /\bsupervisor\b/],
  counts: [/\bhow many (students|lecturers|groups|subjects)\b/, /\bnumber of (students|lecturers|groups|subjects)\b/],
  greeting: [/^(hi|hello|hey|good (morning|afternoon|evening))\b/, /\bwhat can you do\b/, /\bwho are you\b/, /^help\b/, /\bwhat can i ask\b/],
};

/** Asking how to do something: the guide's to answer, not the data's. */
const howTo = /^(how (do|can|should|to|would)|how\b(?! many| much)|where (do|can|is|are|should)|can i|is it possible|what (is|are) (the|a|an)\b(?!.*\b(next|my|latest|in|of|for)\b))/;

/** Whether the question asks how to do something (the guides' to answer). */
export function asksHow(message: string): boolean {
  const text = foldQuestion(message);
  return howTo.test(text) && !/\bhow (many|much)\b/.test(text);
}

export function foldQuestion(message: string): string {
  return message
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The intent a question shows most signs of; the guide when it asks how, or shows none. */
export function intentOf(message: string): Intent {
  const text = foldQuestion(message);
  let best: Intent = 'guide';
  let bestScore = 0;
  for (const intent of intents) {
    const score = signs[intent].reduce((n, sign) => n + (sign.test(text) ? 1 : 0), 0);
    if (score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }
  // "How many …" and "how much …" are about the data; "how do I …" is about FMS.
  if (howTo.test(text) && best !== 'counts' && !/\bhow (many|much)\b/.test(text)) return 'guide';
  return best;
}

/**
 * The subject a question names, as typed: the words after its last "in", "of", "for", "from" or
 * "about" ("what did I get in Databases?" → "Databases"), without the filler around a name.
 */
export function subjectPhrase(message: string): string | null {
  const text = message.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const matches = [...text.matchAll(/\b(?:in|of|for|from|about)\s+(.+?)\s*[?.!]*$/gi)];
  const last = matches.at(-1);
  if (!last) return null;
  let phrase = last[1]!;
  // "in the Algorithms subject" → "Algorithms"; "of my Databases course" → "Databases".
  phrase = phrase.replace(/^(the|my|our|this|that)\s+/i, '').replace(/^(subject|course|class)\s+/i, '').replace(/\s+(subject|course|class|module)s?$/i, '');
  phrase = phrase.replace(/^["'«“](.*)["'»”]$/, '$1').trim();
  // "in the Waiting Room", "of them", "in the next 14 days": no subject.
  if (phrase.length < 2 || /^(it|them|all|total|waiting room|the waiting room|fms|here|today|tomorrow|now|me|us|you)$/i.test(phrase)) return null;
  if (/^((the )?(next|this|coming|last|past) )?(\d+ )?(days?|weeks?|months?|term|semester|year)$/i.test(phrase)) return null;
  return phrase;
}

/** Words that say what is asked, not which subject: left out of a subject named without "in". */
const notSubjectWords = new Set(
  (
    'what whats when which who how is are was were be do does did i im me my mine we our us you your the a an any all some ' +
    'get got show tell list give see find please now so far yet there here have has and or to at on by with this that these those ' +
    'latest last recent new next upcoming coming soon today tomorrow week weeks month months day days term semester year ' +
    'score scores scored grade grades marks mark result results gradebook ' +
    'file files material materials slides slide lecture notes download downloads reading readings document documents ' +
    'deadline deadlines due overdue homework assignment assignments exercise exercises send sent submit hand turn ' +
    'in of for from about many much anything still waiting subject subjects course courses class'
  ).split(' '),
);

/**
 * A subject named without "in" or "of" ("grades discrete math" → "discrete math"): the question's
 * words less those that say what is asked; null when nothing is left.
 */
export function subjectRemainder(message: string): string | null {
  const words = foldQuestion(message)
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w && !notSubjectWords.has(w) && !notSubjectWords.has(w.replace(/'s$/, '')) && !/^\d+$/.test(w));
  const rest = words.join(' ');
  return rest.length >= 3 ? rest : null;
}

/** A question about another person's scores ("What did Anna get?", "Bob's grades", "their marks"). */
export function asksAboutSomeoneElse(message: string): boolean {
  const text = foldQuestion(message);
  if (/\bwhat did (?!i\b|we\b)[\p{L}-]+(?: [\p{L}-]+)? (get|got|score)\b/u.test(text)) return true;
  if (/\b(his|her|their) (scores?|grades?|marks?|results?)\b/.test(text)) return true;
  const possessive = /\b([\p{L}-]+)'s (scores?|grades?|marks?|results?)\b/u.exec(text);
  return possessive !== null && !['it', 'that', 'what', 'who', 'there', 'here', 'let'].includes(possessive[1]!);
}
