// claimledger workspace: the only script besides htmx (the Content-Security-Policy allows no inline script).
// htmx requests that write carry the session's CSRF token in a header, as forms carry it in a field.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrf;
  if (token && event.detail.verb !== "get") {
    event.detail.headers["X-CSRF-Token"] = token;
  }
});
