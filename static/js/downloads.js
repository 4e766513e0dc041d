// A background export's page: poll its status, then show the download link or why it failed.
// (No inline scripts: the Content-Security-Policy allows only files from 'self'.)
(function () {
  "use strict";
  var box = document.getElementById("download-job");
  if (!box) return;
  var bar = box.querySelector("[data-role=bar]");
  var status = box.querySelector("[data-role=status]");
  var error = box.querySelector("[data-role=error]");
  var link = box.querySelector("[data-role=download]");
  var notice = box.querySelector("[data-role=notice]");

  function show(percent) {
    bar.textContent = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
    // Set through the CSSOM: the CSP forbids style attributes in markup, not this.
    bar.style.width = percent + "%";
  }

  show(Number(bar.dataset.percent || 0));
  if (box.dataset.finished === "1") return;

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state.percent);
        status.textContent = state.status_label +
          (!state.finished && state.total ? " " + state.done + " / " + state.total : "");
        // A worker died and the job was queued again: say so, with the time.
        notice.textContent = state.notice || "";
        notice.classList.toggle("d-none", !state.notice);
        if (state.status === "done") {
          link.classList.remove("d-none");
        } else if (state.status === "failed") {
          if (state.error) error.textContent = state.error;
          error.classList.remove("d-none");
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
