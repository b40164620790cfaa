// The reader's form: a chosen feed, site or language applies at once (the Search button does the
// same for browsers without scripts), and empty fields stay out of the URL so it is short to share.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.filters");
  if (!form) return;
  form.classList.add("auto");  // the selects apply at once
  form.addEventListener("submit", () => {
    for (const field of form.querySelectorAll("input, select")) {
      if (!field.value || (field.name === "feed" && field.value === "all")) field.disabled = true;
    }
  });
  window.addEventListener("pageshow", () => {  // coming back to the page: the fields work again
    for (const field of form.querySelectorAll("input, select")) field.disabled = false;
  });
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => form.requestSubmit());
  }
});
