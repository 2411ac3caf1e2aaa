// Progressive enhancement only: every form works without this file. It adds an upload progress bar to file forms
// (data-progress), submits the language switcher when its choice changes, and follows a running import
// (data-live-import) by polling its status instead of reloading the whole page.
(function () {
  'use strict';
  document.querySelectorAll('form[data-progress]').forEach(function (form) {
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
          // The server answers as it does to a plain form post: a redirect (followed here) to the claim page.
          window.location.assign(request.responseURL || form.action);
        } else {
          // A refusal is a whole page with the messages beside their fields: show it as a plain post would.
          document.open(); document.write(request.responseText); document.close();
        }
      });
      request.addEventListener('error', function () { form.submit(); });
      request.send(new FormData(form));
    });
  });
  document.querySelectorAll('[data-live-import]').forEach(function (live) {
    var url = live.getAttribute('data-live-import');
    if (!url || !window.fetch) { return; }
    var set = function (name, value) {
      live.querySelectorAll('[data-live="' + name + '"]').forEach(function (el) { el.textContent = value; });
    };
    var poll = function () {
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, redirect: 'error' })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (s) {
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
            // The finished page has what a poll does not carry (errors by row, times): load it once.
            set('announce', s.statusText);
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(function () { window.location.reload(); }, 2000); });
    };
    window.setTimeout(poll, 500);
  });
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
}());
