// Live feedback on the criteria edit form: each criterion's result in words, the section and level
// progress, and a warning before leaving with unsaved answers. The form works the same without
// this script; the server recomputes everything on save with the rules criteria-rules.js ports.
// Every user-visible text comes from data attributes the server rendered from the locale files.

import { answerState, criterionResult, isEnough, levelPercentage, progressTone, symbolOf } from './criteria-rules.js';

const RESULT_CLASS = /(^|\s)result-\S+/g;
const STATE_CLASS = /(^|\s)state-\S+/g;
const TONE_CLASS = /(^|\s)tone-\S+/g;

// How long a change has to settle before the live region speaks: choosing an answer (arrow keys
// walk through the radios, each a change) and typing a justification (a result changes with the
// text) would otherwise be announced on every step.
const ANSWER_SETTLE_MS = 700;
const TYPING_SETTLE_MS = 1500;

function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// Browsers submit a textarea's line breaks as CRLF and the server trims what it receives; the rule
// has to see the same text, or a four-letter answer with a line break would count here only.
function submittedText(textarea) {
  return textarea ? textarea.value.replace(/\r?\n/g, '\r\n').trim() : '';
}

function setClass(element, pattern, name) {
  element.className = `${element.className.replace(pattern, '')} ${name}`.trim();
}

function start(form) {
  let texts;
  try {
    texts = JSON.parse(form.getAttribute('data-live') || '');
  } catch {
    return;
  }
  const criteria = [...form.querySelectorAll('fieldset.criterion[data-category]')];
  const sections = [...form.querySelectorAll('section.form-section')];
  const menu = document.querySelector('.section-menu[data-series]');
  const series = menu ? menu.getAttribute('data-series') : '';
  // The latest counts, for the announcement: section element -> { met, total }; state per criterion.
  const sectionCounts = new Map();
  const states = new Map();
  let levelPercent = 0;

  // Fills in the criterion's result in words as the server does in _answer-state.pug and
  // _criterion-edit.pug; returns whether the answer counts.
  function updateCriterion(fieldset) {
    if (fieldset.hasAttribute('data-automatic')) return fieldset.hasAttribute('data-counts');
    const checked = fieldset.querySelector('input[type="radio"]:checked');
    const status = checked ? checked.value : '?';
    const result = criterionResult(
      {
        category: fieldset.getAttribute('data-category'),
        met_url_required: fieldset.hasAttribute('data-met-url-required'),
        met_justification_required: fieldset.hasAttribute('data-met-justification-required'),
        na_justification_required: fieldset.hasAttribute('data-na-justification-required'),
      },
      status,
      submittedText(fieldset.querySelector('textarea')),
    );
    const state = answerState(status, result);
    states.set(fieldset, state);
    const symbol = symbolOf(result);
    setClass(fieldset, RESULT_CLASS, `result-${symbol}`);

    const statePara = fieldset.querySelector('.answer-state');
    if (statePara) {
      setClass(statePara, STATE_CLASS, `state-${state}`);
      const statusText = statePara.querySelector('.status');
      if (statusText) statusText.textContent = texts.states[state] || '';
      let symbolSpan = statePara.querySelector('.symbol');
      if (state === 'not_answered') {
        // The server leaves the "?" out next to "Not answered": it would only repeat it.
        if (symbolSpan) {
          if (symbolSpan.nextSibling && symbolSpan.nextSibling.nodeType === Node.TEXT_NODE) symbolSpan.nextSibling.remove();
          symbolSpan.remove();
        }
      } else {
        if (!symbolSpan) {
          symbolSpan = document.createElement('span');
          symbolSpan.className = 'symbol';
          symbolSpan.setAttribute('aria-hidden', 'true');
          statePara.prepend(symbolSpan, document.createTextNode(' '));
        }
        symbolSpan.textContent = texts.symbols[symbol] || '';
      }
    }

    let warning = fieldset.querySelector(':scope > .warning');
    const warningText = texts.results[result];
    if (warningText) {
      if (!warning) {
        warning = document.createElement('p');
        warning.className = 'warning';
        fieldset.appendChild(warning);
      }
      warning.textContent = warningText;
    } else if (warning) {
      warning.remove();
    }
    return isEnough(result);
  }

  // The section menu links to the section's anchor, which is its heading's id without "-heading".
  function menuEntry(section) {
    const anchor = (section.getAttribute('aria-labelledby') || '').replace(/-heading$/, '');
    const link = anchor && document.querySelector(`.section-menu a[href="#${CSS.escape(anchor)}"]`);
    const item = link && link.closest('li');
    return item && item.querySelector(':scope > .section-progress');
  }

  function updateSection(section, met, total) {
    const count = section.querySelector('h2 .count');
    if (count) count.textContent = fill(texts.metOfTotal, { met, total });
    const entry = menuEntry(section);
    if (!entry) return;
    setClass(entry, /(^|\s)progress-\S+/g, met === total ? 'progress-complete' : met === 0 ? 'progress-none' : 'progress-partial');
    setClass(entry, TONE_CLASS, progressTone(series, Math.floor((met * 100) / total)));
    const bar = entry.querySelector('progress');
    const countText = fill(texts.sectionCount, { met, total });
    if (bar) {
      bar.value = met;
      bar.textContent = countText;
      const label = entry.getAttribute('data-label');
      if (label) bar.setAttribute('aria-label', fill(label, { met, total }));
    }
    const visible = entry.querySelector('.section-count');
    if (visible) visible.textContent = countText;
  }

  function updateLevel(percentage) {
    levelPercent = percentage;
    const tab = document.querySelector('.project-header .levels .current');
    if (tab) setClass(tab, TONE_CLASS, progressTone(tab.getAttribute('data-series') || series, percentage));
    const current = tab && tab.querySelector('.percent');
    if (!current) return;
    // The same text as the percentBar mixin (views/partials/mixins.pug) renders.
    const text = `${percentage}%`;
    const bar = current.querySelector('progress');
    if (bar) {
      bar.value = percentage;
      bar.textContent = text;
    }
    const value = current.querySelector('.percent-value');
    if (value) value.textContent = text;
  }

  function update() {
    const counts = new Map(criteria.map((fieldset) => [fieldset, updateCriterion(fieldset)]));
    let levelMet = 0;
    let levelTotal = 0;
    for (const section of sections) {
      // Criteria the filter left out all count already; the server says how many are active.
      const hidden = section.querySelector('[data-hidden-active]');
      let met = hidden ? Number(hidden.getAttribute('data-hidden-active')) || 0 : 0;
      let total = met;
      for (const fieldset of section.querySelectorAll('fieldset.criterion[data-active]')) {
        total += 1;
        if (counts.get(fieldset)) met += 1;
      }
      sectionCounts.set(section, { met, total });
      if (total > 0) updateSection(section, met, total);
      levelMet += met;
      levelTotal += total;
    }
    updateLevel(levelPercentage(levelMet, levelTotal));
  }

  // Unsaved changes: the form as loaded, compared with the form now, so undoing a change also
  // undoes the warning. The CSRF token and lock version never change and are left out.
  const snapshot = () => JSON.stringify([...new FormData(form)].filter(([name]) => name !== '_csrf' && name !== 'lock_version'));
  const loaded = snapshot();
  let submitting = false;
  form.addEventListener('submit', () => {
    submitting = true;
  });
  window.addEventListener('beforeunload', (event) => {
    if (submitting || snapshot() === loaded) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  });
  // A page restored from the back/forward cache after a submit is being edited again.
  window.addEventListener('pageshow', () => {
    submitting = false;
  });

  // Screen readers hear what changed through one polite live region, once the change settles: the
  // criterion's result, its section's count and the level's percentage. Typing that leaves the
  // result as it was says nothing; neither does a message identical to the last one.
  const region = document.getElementById('live-progress');
  // The section's heading without its count.
  function sectionName(section) {
    const heading = section && section.querySelector('h2');
    if (!heading) return '';
    const copy = heading.cloneNode(true);
    for (const count of copy.querySelectorAll('.count')) count.remove();
    return copy.textContent.trim();
  }
  const announced = new Map();
  let lastMessage = '';
  let timer = 0;
  function announceLater(fieldset, delay, onlyIfChanged) {
    if (!region || !texts.announce) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const state = states.get(fieldset);
      if (onlyIfChanged && announced.get(fieldset) === state) return;
      announced.set(fieldset, state);
      const section = fieldset.closest('section.form-section');
      const counts = sectionCounts.get(section) || { met: 0, total: 0 };
      const id = fieldset.querySelector('.criterion-id');
      const message = fill(texts.announce, {
        criterion: id ? id.textContent.replace(/^\[|\]$/g, '') : fieldset.id,
        state: texts.states[state] || '',
        section: sectionName(section),
        met: counts.met,
        total: counts.total,
        percent: levelPercent,
      });
      if (message === lastMessage) return;
      lastMessage = message;
      region.textContent = message;
    }, delay);
  }

  // Also at once: a browser that restores form values on reload shows them with the server's
  // results for the stored answers. Nothing is announced for that.
  update();
  for (const fieldset of criteria) announced.set(fieldset, states.get(fieldset));
  form.addEventListener('change', (event) => {
    update();
    const fieldset = event.target instanceof Element ? event.target.closest('fieldset.criterion[data-category]') : null;
    if (fieldset && event.target instanceof HTMLInputElement && event.target.type === 'radio') announceLater(fieldset, ANSWER_SETTLE_MS, false);
  });
  form.addEventListener('input', (event) => {
    if (!(event.target instanceof HTMLTextAreaElement)) return;
    update();
    const fieldset = event.target.closest('fieldset.criterion[data-category]');
    if (fieldset) announceLater(fieldset, TYPING_SETTLE_MS, true);
  });
}

const form = document.querySelector('form.criteria-form[data-live]');
if (form) start(form);
