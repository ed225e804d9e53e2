// Sanxiang — small behaviours without inline scripts (the Content-Security-Policy forbids them).
const english = () => (document.documentElement.lang || "").startsWith("en");
const WORKING = () => (english() ? "Working…" : "正在处理…");
const UPLOADING = () => (english() ? "Uploading" : "正在上传");

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});

// Feedback while the server works: the button says so and cannot be clicked twice.
function markBusy(form) {
  form.setAttribute("aria-busy", "true");
  const button = form.querySelector("button[type=submit]:not([data-keep-enabled])");
  if (button && !form.hasAttribute("data-no-disable")) {
    setTimeout(() => {
      button.disabled = true;
      button.classList.add("disabled");
      if (!form.querySelector(".busy-note")) {
        const note = document.createElement("span");
        note.className = "busy-note small muted";
        note.setAttribute("role", "status");
        note.textContent = " " + WORKING();
        button.after(note);
      }
    }, 0);
  }
}

// A form sending files shows a progress bar: it posts the same fields with XMLHttpRequest and then
// shows the page the server answered (the next page after a redirect, or the form with its errors).
function uploadWithProgress(form) {
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.className = "upload-progress";
  bar.setAttribute("aria-label", UPLOADING());
  form.append(bar);
  const request = new XMLHttpRequest();
  request.open((form.getAttribute("method") || "post").toUpperCase(), form.action || window.location.href);
  request.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
  });
  request.addEventListener("load", () => {
    // the answer is already rendered (its messages consumed): show it rather than load it again
    const address = request.responseURL;
    document.open();
    document.write(request.responseText);
    document.close();
    if (address && address !== window.location.href) window.history.replaceState(null, "", address);
  });
  request.addEventListener("error", () => form.submit()); // fall back to a plain post
  request.send(new FormData(form));
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const confirmText = form.getAttribute("data-confirm");
  if (confirmText && !window.confirm(confirmText)) {
    event.preventDefault();
    return;
  }
  markBusy(form);
  const hasFiles = [...form.querySelectorAll("input[type=file]")].some((input) => input.files.length);
  if (hasFiles && form.enctype === "multipart/form-data" && window.FormData) {
    event.preventDefault();
    uploadWithProgress(form);
  }
});

// Links that start a long download (exports, reports, dossiers) say so while the file is made.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-long]");
  if (!link) return;
  link.setAttribute("aria-busy", "true");
  link.classList.add("is-busy");
  setTimeout(() => { link.removeAttribute("aria-busy"); link.classList.remove("is-busy"); }, 8000);
});
