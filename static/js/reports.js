// Export job page: poll the job's status and reveal the download link when it is ready.
// (No inline scripts: the Content-Security-Policy allows only files from 'self'.)
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) return;
  var bar = document.getElementById("export-bar");
  var status = document.getElementById("export-status");
  var link = document.getElementById("export-download");

  function show(percent) {
    bar.textContent = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    // Set through the CSSOM: the CSP forbids style attributes in markup, not this.
    bar.style.width = percent + "%";
  }

  show(Number(bar.dataset.percent || 0));
  if (box.dataset.done) return;

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data.percent);
        if (data.done) {
          status.textContent = box.dataset.labelDone;
          link.classList.remove("d-none");
        } else if (data.status === "failed") {
          status.textContent = box.dataset.labelFailed;
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
