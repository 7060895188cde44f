// The refusal's words where no form highlights a field: the API and the command line name the
// fields, one-line places (htmx fragments, flashes, rows) say the fields' own messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageNamingFields, refusalInOneLine } from './errors.js';

test('the API and the command line name the fields instead of "the highlighted fields"', () => {
  assert.equal(messageNamingFields('Check the highlighted fields.', { studentNumber: 'Enter it.' }), 'Check the field studentNumber.');
  assert.equal(messageNamingFields('Check the highlighted fields.', { a: 'x', b: 'y', c: 'z' }), 'Check the fields a, b and c.');
  assert.equal(messageNamingFields('Check the highlighted filters.', { from: 'A date.' }), 'Check the field from.');
  assert.equal(messageNamingFields('Another student has the same details.', { email: 'Taken.' }), 'Another student has the same details.');
  assert.equal(messageNamingFields('Check the highlighted fields.', {}), 'Check the highlighted fields.');
});

test('a one-line refusal says the fields\' messages, each once, and keeps a lead that says more', () => {
  assert.equal(refusalInOneLine('Check the highlighted fields.', { threshold: 'Give a threshold from 0 to 1.', title: 'Type a title.' }), 'Give a threshold from 0 to 1. Type a title.');
  assert.equal(refusalInOneLine('The file is not an image.', { photo: 'The file is not an image.' }), 'The file is not an image.');
  assert.equal(refusalInOneLine('Someone saved the same details a moment ago. Check the highlighted field and try again.', { email: 'Taken.' }), 'Someone saved the same details a moment ago. Check the highlighted field and try again. Taken.');
  assert.equal(refusalInOneLine('No file was uploaded.', {}), 'No file was uploaded.');
});
