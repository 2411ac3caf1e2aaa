// Progressive enhancement only: every form works without this file. It adds an upload progress bar to file forms
// (data-progress) and submits the language switcher when its choice changes.
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
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
}());
