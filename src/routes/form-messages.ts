// What a refused form says above and beside its fields, worded alike on every page.
import { refusalInOneLine, type AppError } from '../lib/errors.js';

/** The alert above a refused form: the field messages say what is wrong, the alert where to look. */
export function formMessage(error: AppError): string {
  return Object.keys(error.fields).length > 0 ? 'Check the highlighted fields.' : error.message;
}

/** The message by a refused photo: the upload's own field message when there is one. */
export function photoMessage(error: AppError): string {
  return error.fields.photo ?? error.fields.file ?? error.message;
}

/**
 * A browser cannot be told to keep a chosen file when a refused form is shown again: say so by the
 * photo field, naming the file, when one was sent.
 */
export function photoAgainMessage(file: { filename: string } | null): string | undefined {
  return file ? `Choose the photo (${file.filename || 'the file'}) again: files cannot be kept when the form is shown again.` : undefined;
}

/**
 * A refusal said in one line where no field is highlighted (an upload's, a Waiting Room row's, a
 * flash): what went wrong, then what to do, each once; never "Check the highlighted fields."
 */
export function refusalText(error: AppError): string {
  return refusalInOneLine(error.message, error.fields);
}
