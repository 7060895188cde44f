// Typed errors that services throw; the error handler turns each into a page, a form with its
// messages, an htmx fragment or JSON { error: { code, message, fields } }.

export type FieldMessages = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields: FieldMessages = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The record does not exist, or the actor may not know it exists. */
export class NotFound extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

/** The actor may see the record but may not take this action. */
export class Forbidden extends AppError {
  constructor(message = 'You may not do this.') {
    super(403, 'forbidden', message);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Sign in to continue') {
    super(401, 'unauthenticated', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string, fields: FieldMessages = {}) {
    super(409, 'conflict', message, fields);
  }
}

/** Input that breaks a rule; `fields` names each field and what to fix. */
export class Invalid extends AppError {
  constructor(message: string, fields: FieldMessages = {}) {
    super(422, 'invalid', message, fields);
  }
}


/**
 * A message for readers without a form (the JSON API, the command line): the form's "Check the
 * highlighted fields." names the fields instead, e.g. "Check the fields name and groupIds."
 */
export function messageNamingFields(message: string, fields: FieldMessages): string {
  const names = Object.keys(fields);
  if (!names.length) return message;
  const named = names.length === 1 ? `the field ${names[0]}` : `the fields ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return message.replace(/\bthe highlighted (fields?|filters?)\b/g, named);
}

/**
 * A refusal in one line where no field is highlighted (an htmx fragment, a flash, a row's message):
 * the fields' own messages instead of "Check the highlighted fields.", each said once.
 */
export function refusalInOneLine(message: string, fields: FieldMessages): string {
  // A field's message that the lead already says (an image's refusal repeats its reason) is said once.
  const advice = Object.values(fields).filter((m) => m !== message && !message.toLowerCase().includes(m.toLowerCase()));
  const lead = advice.length > 0 && /^Check the highlighted (fields|filters)\.$/.test(message) ? [] : [message];
  return [...lead, ...advice].join(' ');
}
