/* The status page: reload every few seconds, and the actions once the operator has entered the API token.
   The token is kept in this tab's sessionStorage and sent only as a bearer header on a POST: never in a URL,
   never in a cookie, never to another origin (the paths are the page's own). */
"use strict";
(function () {
  const KEY = "newssieve.token";
  const body = document.body;
  const field = document.getElementById("token");
  const result = document.getElementById("action-result");
  let busy = false;

  function token() { try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; } }
  function say(text, bad) {
    if (!result) return;
    result.textContent = text;
    result.className = bad ? "result bad" : "result";
  }
  function show() {
    const on = token() !== "";
    document.querySelectorAll("button.action").forEach(function (b) { b.hidden = !on; });
    const form = document.getElementById("token-form");
    const state = document.getElementById("token-on");
    if (form) form.hidden = on;
    if (state) state.hidden = !on;
  }

  const form = document.getElementById("token-form");
  if (form) form.addEventListener("submit", function (event) {
    event.preventDefault();
    const value = field.value.trim();
    field.value = "";
    if (value) { try { sessionStorage.setItem(KEY, value); } catch (e) { say("this browser keeps no session storage", true); } }
    show();
  });
  const forget = document.getElementById("token-forget");
  if (forget) forget.addEventListener("click", function () { sessionStorage.removeItem(KEY); show(); });

  document.querySelectorAll("button.action").forEach(function (button) {
    button.addEventListener("click", async function () {
      const confirmText = button.dataset.confirm;
      if (confirmText && !window.confirm(confirmText)) return;
      busy = true;
      button.disabled = true;
      say(button.textContent + "…", false);
      try {
        const answer = await fetch(button.dataset.post, {
          method: "POST", credentials: "same-origin", headers: {"Authorization": "Bearer " + token()}});
        const data = await answer.json().catch(function () { return {}; });
        if (answer.status === 401) { sessionStorage.removeItem(KEY); show(); }
        if (answer.ok) {
          say(button.textContent + ": done " + JSON.stringify(data), false);
          setTimeout(function () { location.reload(); }, 1500);
        } else {
          say(button.textContent + ": " + answer.status + " " + (data.detail || answer.statusText), true);
          busy = false;
        }
      } catch (e) {
        say(button.textContent + ": " + e, true);
        busy = false;
      }
      button.disabled = false;
    });
  });

  const seconds = parseFloat(body.dataset.refresh || "0");
  if (seconds > 0) {
    setInterval(function () {
      const typing = field && (document.activeElement === field || field.value !== "");
      if (!busy && !typing) location.reload();
    }, seconds * 1000);
  }
  show();
})();
