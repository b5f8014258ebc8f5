// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  // An error summary takes the focus, so a screen reader announces it first (GOV.UK pattern).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // A form is sent once: a second click while the first is on its way does nothing.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  });
  // The document page's print button exists only where it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A file upload shows how much is sent (without a script the browser's own indicator does).
  var upload = document.querySelector("form[data-upload]");
  if (upload && window.FormData && window.DOMParser) {
    upload.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      event.preventDefault();
      var chosen = upload.querySelector("input[type=file]");
      var file = chosen && chosen.files && chosen.files[0];
      if (file && file.size > Number(upload.dataset.maxBytes)) {  // the platform would refuse it whole
        delete upload.dataset.sent;
        var summary = document.createElement("div");
        summary.className = "error-summary";
        summary.setAttribute("role", "alert");
        summary.tabIndex = -1;
        var title = document.createElement("h2");
        title.textContent = upload.dataset.errorsTitle;
        var link = document.createElement("a");
        link.href = "#" + chosen.id;
        link.textContent = upload.dataset.tooBig;
        var item = document.createElement("li");
        item.appendChild(link);
        var list = document.createElement("ul");
        list.appendChild(item);
        summary.appendChild(title);
        summary.appendChild(list);
        var old = document.querySelector(".error-summary");
        if (old) { old.remove(); }
        upload.parentNode.insertBefore(summary, upload.parentNode.querySelector("h1"));
        summary.focus();
        return;
      }
      var shown = upload.querySelector("[data-upload-progress]");
      var bar = shown && shown.querySelector("progress");
      if (shown) { shown.hidden = false; }
      var request = new XMLHttpRequest();
      request.open("POST", upload.action);
      request.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL !== upload.action) { window.location.assign(request.responseURL); return; }
        // the form again, with its errors: the answer's main content in place of this one
        var fresh = new DOMParser().parseFromString(request.responseText, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) { window.location.reload(); return; }
        main.innerHTML = fresh.innerHTML;
        var errors = main.querySelector("[data-error-summary]");
        if (errors) { errors.focus(); }
      });
      request.addEventListener("error", function () { delete upload.dataset.sent; upload.submit(); });
      request.send(new FormData(upload));
    });
  }
  // A status page that is still moving fetches itself again and swaps its status in place (a
  // live region: a screen reader hears the change, and the focus stays where it was).
  var status = document.querySelector("[data-refresh]");
  if (status && window.fetch && window.DOMParser) {
    var again = function () {
      fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(status.id);
          if (!fresh) { return; }
          status.innerHTML = fresh.innerHTML;
          status.dataset.status = fresh.dataset.status;
          if (fresh.dataset.refresh) { window.setTimeout(again, 1000 * Number(fresh.dataset.refresh)); }
          else { delete status.dataset.refresh; }
        })
        .catch(function () { window.setTimeout(again, 10000); });
    };
    window.setTimeout(again, 1000 * Number(status.dataset.refresh));
  }
})();
