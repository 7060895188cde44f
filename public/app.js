// Behaviour for every page, loaded from /static (the CSP allows no inline script).
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  // htmx requests carry the CSRF token in a header, as the server expects for non-form bodies.
  document.body.addEventListener('htmx:configRequest', function (event) {
    if (meta) event.detail.headers['x-csrf-token'] = meta.getAttribute('content');
  });
  // Buttons and forms that destroy something ask first.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
// A list of names one a line (a subject's groups and lecturers): the type-ahead beside it adds its
// choice as a new line. Without JavaScript the server adds what was typed there when the form is sent.
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest('[data-append-line-to]');
    if (!button) return;
    var list = document.getElementById(button.getAttribute('data-append-line-to'));
    var input = document.getElementById(button.getAttribute('data-append-line-from'));
    if (!list || !input || !input.value.trim()) return;
    var lines = list.value.split('\n').filter(function (line) { return line.trim() !== ''; });
    if (lines.indexOf(input.value.trim()) === -1) lines.push(input.value.trim());
    list.value = lines.join('\n');
    input.value = '';
    input.focus();
  });
})();
// The Waiting Room from the keyboard: with an entry's row focused, keys 1–6 give that score; once
// the row is swapped for its outcome, the next entry of the page takes the focus.
(function () {
  'use strict';
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !/^[1-6]$/.test(event.key)) return;
    var row = event.target && event.target.matches && event.target.matches('tr[data-entry]') ? event.target : null;
    if (!row) return;
    var button = row.querySelector('button[data-score="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  document.body.addEventListener('htmx:afterSwap', function (event) {
    var outcome = event.detail && event.detail.target;
    if (!outcome || !outcome.id || outcome.id.indexOf('entry-') !== 0) return;
    var swapped = document.getElementById(outcome.id);
    if (!swapped) return;
    // The next entry in the page, in this exercise's table or the next one: a busy lecturer's page
    // of 50 spreads over many exercises, often one entry each.
    var entries = document.querySelectorAll('tr[data-entry]');
    for (var i = 0; i < entries.length; i++) {
      if (swapped.compareDocumentPosition(entries[i]) & window.Node.DOCUMENT_POSITION_FOLLOWING) {
        entries[i].focus();
        return;
      }
    }
  });
})();
// The assistant (views/assistant-widget.tsx, the assistant's page): once htmx has appended the answer,
// the question's field is emptied for the next one and the log shows its end.
(function () {
  'use strict';
  document.body.addEventListener('htmx:afterRequest', function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.closest) return;
    var log = event.detail.target;
    if (form.matches && form.matches('[data-assistant-form]') && event.detail.successful) {
      var field = form.querySelector('input[name="message"]');
      if (field) {
        field.value = '';
        field.focus();
      }
    }
    if (log && log.classList && log.classList.contains('assistant-log')) log.scrollTop = log.scrollHeight;
  });
  // htmx swaps only successful answers: a refused question (too many a minute: 429) or a failure
  // says so in the log, where the answer would have been.
  function refusedNote(event) {
    var log = event.detail && event.detail.target;
    if (!log || !log.classList || !log.classList.contains('assistant-log')) return;
    var xhr = event.detail.xhr;
    var note = document.createElement('div');
    note.className = 'alert alert-warning py-2 assistant-exchange';
    note.setAttribute('role', 'alert');
    var wait = xhr && xhr.getResponseHeader('retry-after');
    var status = xhr ? xhr.status : 0;
    note.textContent = status === 429
      ? 'You have asked many questions in a short time: try again in ' + (wait ? wait + ' seconds' : 'a minute') + '.'
      : status === 401 || status === 403
        ? 'Your session or this page has expired: reload the page (sign in again if asked), then ask again.'
        : 'The assistant could not answer just now (error ' + (status || 'no connection') + '): try again.';
    log.appendChild(note);
    log.scrollTop = log.scrollHeight;
  }
  document.body.addEventListener('htmx:responseError', refusedNote);
  document.body.addEventListener('htmx:sendError', refusedNote);
})();
