// Cairn's small enhancements. Every page works without them.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();

// "Hide screen": blank the page at once (staff record concerns in busy rooms), then go to a
// neutral page so that the back button does not bring the record back into view.
for (const control of document.querySelectorAll("[data-cairn-hide-screen]")) {
  control.addEventListener("click", (event) => {
    event.preventDefault();
    const overlay = document.querySelector("[data-cairn-hidden-overlay]");
    if (overlay) {
      overlay.hidden = false;
    }
    document.title = "Cairn";
    window.location.replace(control.getAttribute("href"));
  });
}

// GOV.UK Frontend marks a radio that reveals further questions with aria-expanded, which ARIA
// does not allow on a radio (axe-core: aria-allowed-attr). The questions it reveals follow the
// radio in reading order, so nothing is lost by taking the attribute off again.
const unexpand = new MutationObserver((changes) => {
  for (const change of changes) {
    change.target.removeAttribute("aria-expanded");
  }
});
for (const radio of document.querySelectorAll("input[type='radio'][aria-controls]")) {
  radio.removeAttribute("aria-expanded");
  unexpand.observe(radio, { attributes: true, attributeFilter: ["aria-expanded"] });
}
