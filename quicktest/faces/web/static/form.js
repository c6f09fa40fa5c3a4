// The form works without this script. With it: a tap on an answer saves it and shows the
// next question without reloading the page, and each figure is checked as soon as it is
// left, its value shown as understood. Keys never send a form on their own: arrows only
// move between answers, as in any radio group.
"use strict";

async function post(form, action) {
  const data = new URLSearchParams(new FormData(form));
  data.set("do", action);
  const response = await fetch(form.action, {
    method: "POST",
    body: data,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    credentials: "same-origin",
  });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  return { response, page };
}

function show(page, url) {
  document.querySelector("main").replaceWith(page.querySelector("main"));
  document.title = page.title;
  const saved = page.getElementById("saved");
  if (saved) document.getElementById("saved").textContent = saved.textContent;
  if (url !== location.href) history.pushState(null, "", url);
  const first = document.querySelector("#error-summary, main h1");
  if (first) {
    if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
    first.focus();
  }
  enhance();
}

function enhanceAnswers(form) {
  const hint = form.querySelector("#tap-hint");
  if (hint) hint.hidden = false;
  let pointer = false;
  form.addEventListener("pointerdown", () => { pointer = true; });
  form.addEventListener("keydown", () => { pointer = false; });
  form.addEventListener("change", async (event) => {
    if (!pointer || event.target.name !== "answer") return;
    pointer = false;
    try {
      const { response, page } = await post(form, "save");
      show(page, response.url);
    } catch (error) {
      form.submit();
    }
  });
}

function enhanceFigures(form) {
  form.addEventListener("change", async (event) => {
    const field = event.target;
    if (!field.matches("input[type=text]")) return;
    const { page } = await post(form, "save");
    const row = page.getElementById("row-" + field.name);
    const fresh = row && row.querySelector(".understood, .error");
    const here = document.getElementById("row-" + field.name);
    if (!row || !here) return;
    here.className = row.className;
    here.querySelectorAll(".understood, .error").forEach((old) => old.remove());
    if (fresh) {
      const mine = here.querySelector("input");
      mine.setAttribute("aria-describedby", row.querySelector("input").getAttribute("aria-describedby"));
      if (fresh.classList.contains("error")) here.querySelector(".hint").after(fresh);
      else here.querySelector(".field").append(fresh);
    }
    document.getElementById("saved").textContent = page.getElementById("saved").textContent;
  });
}

function enhance() {
  document.querySelectorAll("form[data-enhance=answer]").forEach(enhanceAnswers);
  document.querySelectorAll("form[data-enhance=metrics]").forEach(enhanceFigures);
}

window.addEventListener("popstate", () => location.reload());
document.addEventListener("DOMContentLoaded", enhance);
