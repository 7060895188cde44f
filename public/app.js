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
