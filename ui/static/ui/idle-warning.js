// The warning before an idle sign-out (issue 22, item 8), after the GOV.UK "timeout warning"
// pattern: a modal dialog that takes focus, says how long is left (announced once a minute, and
// every 15 seconds in the last minute, not every second), and offers to stay signed in. When the
// warning appears, a concern being typed is saved as a draft (the form listens for
// "cairn:save-draft"). When the time has run out the page is loaded again, so that the server's
// sign-out sends the person to sign in and then straight back here.
const dialog = document.querySelector("[data-cairn-idle]");

if (dialog && typeof dialog.showModal === "function") {
  const idleSeconds = Number(dialog.dataset.cairnIdleSeconds);
  const warningSeconds = Number(dialog.dataset.cairnWarningSeconds);
  const countdown = dialog.querySelector("[data-cairn-idle-countdown]");
  const announce = dialog.querySelector("[data-cairn-idle-announce]");
  const stayForm = dialog.querySelector("[data-cairn-stay-form]");
  let lastActive = Date.now();
  let ticker = null;
  let dirty = false;
  // A draft saved because the warning appeared is not activity: it must not keep the session.
  let warningSave = false;

  const inWords = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const saveDraft = () => {
    const form = document.querySelector("[data-cairn-draft-form]");
    if (form && dirty) {
      warningSave = true;
      form.dispatchEvent(new CustomEvent("cairn:save-draft"));
    }
  };

  const tick = () => {
    const left = Math.max(0, Math.round(idleSeconds - (Date.now() - lastActive) / 1000));
    if (left <= 0) {
      window.clearInterval(ticker);
      window.location.assign(window.location.pathname + window.location.search);
      return;
    }
    if (left <= warningSeconds) {
      if (!dialog.open) {
        countdown.textContent = inWords(left);
        dialog.showModal();
        saveDraft();
      }
      countdown.textContent = inWords(left);
      if (left % 60 === 0 || (left < 60 && left % 15 === 0)) {
        announce.textContent = `You will be signed out in ${inWords(left)}.`;
      }
    }
  };

  const restart = () => {
    lastActive = Date.now();
    if (dialog.open) {
      dialog.close();
    }
    announce.textContent = "";
  };

  document.addEventListener("input", (event) => {
    if (event.target.closest("[data-cairn-draft-form]")) {
      dirty = true;
    }
  });
  const fromDraftForm = (event) =>
    event.detail.elt && event.detail.elt.matches("[data-cairn-draft-form]");
  document.addEventListener("htmx:configRequest", (event) => {
    if (warningSave && fromDraftForm(event)) {
      event.detail.headers["X-Cairn-Not-Activity"] = "1";
    }
  });
  // Every other request to the server (a draft saved as it is typed) is activity there too.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (fromDraftForm(event)) {
      dirty = false;
      if (warningSave) {
        warningSave = false;
        return;
      }
    }
    restart();
  });

  stayForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(stayForm.action, {
      method: "POST",
      body: new FormData(stayForm),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.ok) {
      restart();
    } else {
      window.location.assign(window.location.pathname + window.location.search);
    }
  });
  // Escape closes a modal dialog; here it means "stay signed in", as the pattern asks.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stayForm.requestSubmit();
  });

  ticker = window.setInterval(tick, 1000);
}
