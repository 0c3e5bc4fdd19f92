// Unsaved text survives a failed save, a database outage or a reload: drafts kept in this browser.
//
// A form marked data-draft-key (and data-draft-owner: the signed-in user) has its textareas and text inputs saved
// to localStorage while typing: nothing else (no hidden fields, passwords or choices), for 3 days at most. When
// the page loads with a draft that differs from what the form shows, a bar offers it back. On submit the draft's
// key is remembered for the next page: if that page carries [data-draft-saved] (the server's "saved" message), the
// draft is deleted. Signing out (a form marked data-draft-clear) deletes every draft.
// Also: a 500/503 answer to an htmx request is shown in #fault-banner instead of being dropped silently.
(function () {
  "use strict";
  const PREFIX = "clinic-draft:";
  const PENDING = "clinic-draft-pending";
  const MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000;

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; } // disabled storage throws
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  function storageKey(form) {
    return PREFIX + (form.dataset.draftOwner || "") + ":" + form.dataset.draftKey;
  }

  function textFields(form) {
    return Array.from(form.querySelectorAll("textarea, input[type=text], input:not([type])"))
      .filter((field) => field.name && !field.disabled && !field.readOnly);
  }

  // Field name -> value; a name used twice gets "#2", "#3"... so repeated rows stay apart.
  function fieldMap(form) {
    const map = new Map();
    const seen = {};
    textFields(form).forEach((field) => {
      seen[field.name] = (seen[field.name] || 0) + 1;
      map.set(seen[field.name] > 1 ? field.name + "#" + seen[field.name] : field.name, field);
    });
    return map;
  }

  function values(form) {
    const result = {};
    fieldMap(form).forEach((field, name) => { result[name] = field.value; });
    return result;
  }

  function read(key) {
    if (!local) return null;
    try {
      const draft = JSON.parse(local.getItem(key));
      if (draft && typeof draft.fields === "object" && Date.now() - draft.savedAt < MAX_AGE_MS) return draft;
    } catch (e) { /* unreadable: dropped below */ }
    local.removeItem(key);
    return null;
  }

  function write(form, initial) {
    if (!local) return;
    const key = storageKey(form);
    const now = values(form);
    const changed = Object.keys(now).some((name) => now[name] !== initial[name]);
    try {
      if (changed) local.setItem(key, JSON.stringify({ savedAt: Date.now(), fields: now }));
      else local.removeItem(key);
    } catch (e) { /* storage full or refused: the form still works */ }
  }

  function differs(draft, form) {
    const now = values(form);
    return Object.keys(draft.fields).some(
      (name) => name in now && draft.fields[name].trim() !== "" && draft.fields[name] !== now[name]
    );
  }

  // "2026-12-03 14:05": a moment in the clinic's time zone, to the minute, as the pages write times (not the
  // browser's own format and zone).
  function clinicMinute(ms, zone) {
    const options = {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    };
    let format;
    try { format = new Intl.DateTimeFormat("en-CA", { ...options, timeZone: zone }); }
    catch (e) { format = new Intl.DateTimeFormat("en-CA", options); } // a zone this browser does not know
    const part = {};
    format.formatToParts(new Date(ms)).forEach(({ type, value }) => { part[type] = value; });
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
  }

  function offer(form, draft) {
    const template = document.getElementById("draft-offer");
    if (!template) return;
    const bar = template.content.firstElementChild.cloneNode(true);
    const when = bar.querySelector("[data-draft-when]");
    if (when) when.textContent = clinicMinute(draft.savedAt, template.dataset.timeZone);
    bar.querySelector("[data-draft-restore]").addEventListener("click", () => {
      const fields = fieldMap(form);
      Object.entries(draft.fields).forEach(([name, value]) => {
        const field = fields.get(name);
        if (field && value !== field.value) {
          field.value = value;
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      bar.remove();
    });
    bar.querySelector("[data-draft-discard]").addEventListener("click", () => {
      local.removeItem(storageKey(form));
      bar.remove();
    });
    form.parentNode.insertBefore(bar, form);
  }

  function clearAll() {
    if (local) {
      Object.keys(local).filter((key) => key.startsWith(PREFIX)).forEach((key) => local.removeItem(key));
    }
    if (session) session.removeItem(PENDING);
  }

  function forgetSaved() {
    // The draft of the form submitted just before this page, if this page says it was saved.
    if (!session || !local) return;
    const pending = session.getItem(PENDING);
    session.removeItem(PENDING);
    if (!pending || !document.querySelector("[data-draft-saved]")) return;
    const shownAgain = Array.from(document.querySelectorAll("form[data-draft-key]")).some(
      (form) => storageKey(form) === pending
    );
    if (!shownAgain) local.removeItem(pending);
  }

  function watch(form) {
    const initial = values(form);
    const draft = read(storageKey(form));
    if (draft && differs(draft, form)) offer(form, draft);
    let timer = null;
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => write(form, initial), 300);
    });
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      write(form, initial);
      if (session) session.setItem(PENDING, storageKey(form));
    });
  }

  function start() {
    forgetSaved();
    document.querySelectorAll("form[data-draft-clear]").forEach((form) => form.addEventListener("submit", clearAll));
    document.querySelectorAll("form[data-draft-key]").forEach(watch);
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    const banner = document.getElementById("fault-banner");
    if ((status === 503 || status === 500) && banner) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = banner;
      event.detail.swapOverride = "innerHTML";
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
