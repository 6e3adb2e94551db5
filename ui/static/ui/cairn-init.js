// Runs first in <body>, before the page paints: mark the page as having JavaScript, as GOV.UK
// Frontend expects.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
