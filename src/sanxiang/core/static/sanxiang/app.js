// Sanxiang — small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  // Disable the submit button once, so a double click cannot send a stale form twice.
  const button = form.querySelector("button[type=submit]:not([data-keep-enabled])");
  if (button && !form.hasAttribute("data-no-disable")) {
    setTimeout(() => { button.disabled = true; button.classList.add("disabled"); }, 0);
  }
  const confirmText = form.getAttribute("data-confirm");
  if (confirmText && !window.confirm(confirmText)) event.preventDefault();
});
