// Members pages: print buttons, and the import job's progress bar.
(function () {
  "use strict";

  document.querySelectorAll(".print-page").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });

  var job = document.getElementById("import-job");
  if (!job || job.dataset.finished === "1") {
    return;
  }
  var bar = job.querySelector("[data-role=bar]");
  var status = job.querySelector("[data-role=status]");
  var notice = job.querySelector("[data-role=notice]");
  // The page carries the status words in the user's language.
  var labels = { queued: job.dataset.labelQueued, running: job.dataset.labelRunning };

  function poll() {
    fetch(job.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.textContent = state.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", state.percent);
        // CSSOM changes are allowed by the CSP (only style attributes in markup are not).
        bar.style.width = state.percent + "%";
        status.textContent = state.finished ? state.status_label : (labels[state.status] || state.status_label) +
          (state.total ? " " + state.done + " / " + state.total : "");
        // A worker died and the job was queued again: say so, with the time.
        notice.textContent = state.notice || "";
        notice.classList.toggle("d-none", !state.notice);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
