// Progressive enhancement only: every page reads and every form posts without this file (or blazor.web.js). It adds
// an upload progress bar to file forms (data-progress), submits the language switcher when its choice changes, and
// follows a running import (data-live-import) by polling its status instead of reloading the whole page.
//
// Pages may arrive by Blazor's enhanced navigation (a fetch whose HTML is merged into this document, no new load), so
// the behaviours are bound again after each one (Blazor's "enhancedload" event), never twice on the same element: an
// element the merge kept keeps its listeners, and the sets below remember it (attributes would be merged away).
// After an enhanced navigation to another page, the focus moves to the new page's heading and its title is announced
// in a polite live region, as a full load would have the browser and the screen reader do.
(function () {
  'use strict';
  var bound = typeof WeakSet === 'function' ? new WeakSet() : null;
  var following = typeof WeakMap === 'function' ? new WeakMap() : null;

  function once(element) {
    if (!bound) { return true; }
    if (bound.has(element)) { return false; }
    bound.add(element);
    return true;
  }

  // Another page of the console: by enhanced navigation when blazor.web.js is running, else a full load.
  function go(url, replace) {
    var blazor = window.Blazor;
    if (blazor && typeof blazor.navigateTo === 'function') {
      blazor.navigateTo(url, { forceLoad: false, replaceHistoryEntry: !!replace });
    } else if (replace) {
      window.location.replace(url);
    } else {
      window.location.assign(url);
    }
  }

  function bindUpload(form) {
    if (!once(form)) { return; }
    form.addEventListener('submit', function (event) {
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      var bar = document.getElementById(form.getAttribute('data-progress'));
      if (!bar) { return; }
      event.preventDefault();
      bar.hidden = false;
      var request = new XMLHttpRequest();
      request.open('POST', form.action);
      request.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      request.addEventListener('load', function () {
        if (request.status < 400) {
          // The server answers as it does to a plain form post: a redirect (followed here) to the claim or import page.
          go(request.responseURL || form.action, false);
        } else {
          // A refusal is a whole page with the messages beside their fields: show its content in place of this one.
          showRefusal(request.responseText);
        }
      });
      request.addEventListener('error', function () { form.submit(); });
      request.send(new FormData(form));
    });
  }

  // The refusal page has the same layout: its title and its <main> replace this page's, then it is treated like a
  // page that arrived by enhanced navigation (behaviours bound, focus moved, title announced).
  function showRefusal(html) {
    var parsed = new DOMParser().parseFromString(html, 'text/html');
    var incoming = parsed.querySelector('main');
    var main = document.querySelector('main');
    if (!incoming || !main) {
      document.open(); document.write(html); document.close();
      return;
    }
    document.title = parsed.title;
    main.replaceWith(document.importNode(incoming, true));
    bind(document);
    arrived(true);
  }

  function bindLiveImport(live) {
    var url = live.getAttribute('data-live-import');
    if (!url || !window.fetch) { return; }
    // The same element may be kept by the merge and now follow another import (or none): one poller per element and URL.
    if (following) {
      if (following.get(live) === url) { return; }
      following.set(live, url);
    } else if (!once(live)) {
      return;
    }
    // Still on this page? If not, this poller ends, and the element may be followed again when its page comes back.
    var current = function () {
      if (live.isConnected !== false && live.getAttribute('data-live-import') === url) { return true; }
      if (following && following.get(live) === url) { following.delete(live); }
      return false;
    };
    var set = function (name, value) {
      live.querySelectorAll('[data-live="' + name + '"]').forEach(function (el) { el.textContent = value; });
    };
    var poll = function () {
      if (!current()) { return; }
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, redirect: 'error' })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (s) {
          if (!current()) { return; }
          var bar = live.querySelector('progress[data-live="progress"]');
          if (bar) { bar.max = s.totalRows || 1; bar.value = s.processedRows; }
          set('statusText', s.statusText);
          set('processedRows', s.processedRows);
          set('totalRows', s.totalRows === null ? '?' : s.totalRows);
          set('createdClaims', s.createdClaims);
          set('skippedRows', s.skippedRows);
          set('failedRows', s.failedRows);
          var status = live.querySelector('[data-status]');
          if (status) { status.setAttribute('data-status', s.status); }
          if (s.finished) {
            // The finished page has what a poll does not carry (errors by row, times): load it once, in place.
            set('announce', s.statusText);
            go(window.location.href, true);
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(function () { if (current()) { window.location.reload(); } }, 2000);
        });
    };
    window.setTimeout(poll, 500);
  }

  function bindAutosubmit(select) {
    if (!once(select)) { return; }
    select.addEventListener('change', function () { select.form.submit(); });
  }

  function bind(root) {
    root.querySelectorAll('form[data-progress]').forEach(bindUpload);
    root.querySelectorAll('[data-live-import]').forEach(bindLiveImport);
    root.querySelectorAll('select[data-autosubmit]').forEach(bindAutosubmit);
  }

  // After a page arrived without a load: the focus goes to its main heading (or <main>), and its title is read out.
  function arrived(now) {
    var main = document.querySelector('main');
    var target = (main && main.querySelector('h1')) || main;
    if (target) {
      if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
      target.focus({ preventScroll: true });
    }
    var announcer = document.getElementById('announcer');
    if (announcer) {
      announcer.textContent = '';
      // Set after a moment, so that assistive technology sees a change even when the title is the same as before.
      window.setTimeout(function () { announcer.textContent = document.title; }, now ? 0 : 100);
    }
  }

  var lastPath = window.location.pathname;
  function afterEnhancedLoad() {
    bind(document);
    var moved = window.location.pathname !== lastPath;
    lastPath = window.location.pathname;
    // A new page, or the same page whose focused element the merge removed: as after a load. A refusal on the same
    // page keeps the focus where it was; its message is an alert, which is read out when it appears.
    var active = document.activeElement;
    if (moved || !active || active === document.body || !document.body.contains(active)) {
      arrived(false);
    }
  }

  bind(document);
  if (window.Blazor && typeof window.Blazor.addEventListener === 'function') {
    window.Blazor.addEventListener('enhancedload', afterEnhancedLoad);
  }
}());
