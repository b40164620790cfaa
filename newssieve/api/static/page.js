// Filters apply as soon as one is chosen; the Show button stays for browsers without scripts.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.filters");
  if (!form) return;
  form.classList.add("auto");
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => form.submit());
  }
});
