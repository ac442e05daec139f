// The decision memo takes a few seconds to draw the first time it is asked for. With JavaScript the page
// says so and stays usable while the file is fetched, then saves it; without JavaScript the link is a
// plain download. Any answer other than the file (a 429 while another memo of yours is drawn, a 503)
// is opened as a page, so the server's own explanation is what the reader sees.
(function () {
  "use strict";
  function filename(response, fallback) {
    var match = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : fallback;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-memo-status]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") {
      return;
    }
    var status = document.getElementById(link.getAttribute("data-memo-status"));
    var label = link.textContent;
    link.setAttribute("aria-disabled", "true");
    link.textContent = "Drawing the memo…";
    status.textContent = "Drawing the decision memo: a few seconds the first time. You can keep reading.";
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          window.location.assign(link.href);
          return null;
        }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = filename(response, "decision-memo.pdf");
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          status.textContent = "The decision memo is ready: it is in your downloads.";
        });
      })
      .catch(function () {
        window.location.assign(link.href);
      })
      .finally(function () {
        link.textContent = label;
        link.removeAttribute("aria-disabled");
      });
  });
})();
