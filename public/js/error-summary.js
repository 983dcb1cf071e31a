// A form that comes back with errors starts at its error summary: focus moves there, so a
// keyboard or screen reader user hears what to fix first and each entry links to its field.
// Without this script the skip link (the first stop on the page) leads to the summary instead.
'use strict';

(function focusErrorSummary() {
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
