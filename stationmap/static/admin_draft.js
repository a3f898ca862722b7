/* The station editor's draft: what was typed, kept in this tab's sessionStorage when
   the form is sent, restored by the next editor page of the same station and version
   (the session had ended: a 401 page, then the login page, which carry no script; admin
   pages are no-store, so the browser's Back cannot bring the typing back). A page the
   server filled from a posted form (data-posted), or of another version or station,
   drops it: a newer version is never filled from an older one.
   Loaded as a file (the CSP allows no inline script). Text is only set as text. */
(function () {
  "use strict";

  var DRAFT_KEY = "stationmap-station-draft";
  var DRAFT_SKIP = { csrf_token: true, version: true, confirm_duplicate: true };

  function formVersion(form) {
    var version = form.querySelector("input[name=version]");
    return version ? version.value : "";
  }

  function restoreDraft(form, draft) {
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || DRAFT_SKIP[element.name] || !(element.name in draft.fields)) {
        return;
      }
      var values = draft.fields[element.name];
      if (element.type === "checkbox") {
        var checked = values.indexOf(element.value) >= 0;
        changed = changed || element.checked !== checked;
        element.checked = checked;
      } else if (element.type !== "hidden" && element.type !== "submit") {
        changed = changed || element.value !== values[0];
        element.value = values[0];
      }
    });
    return changed;
  }

  function setupDraft() {
    var form = document.getElementById("station-form");
    var store = null;
    try {
      store = window.sessionStorage;
    } catch (error) {
      return;
    }
    if (!form || !store) {
      return;
    }
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(DRAFT_KEY) || "null");
    } catch (error) {
      draft = null;
    }
    store.removeItem(DRAFT_KEY);
    if (draft && draft.fields && draft.path === window.location.pathname &&
        draft.version === formVersion(form) && !form.hasAttribute("data-posted") &&
        restoreDraft(form, draft)) {
      var note = document.createElement("p");
      note.id = "draft-restored";
      note.className = "warning";
      note.setAttribute("role", "status");
      note.textContent = document.documentElement.lang === "en"
        ? "What you last sent, which was not saved, is restored below: check it and save."
        : "已恢复上次提交但没有保存的内容：请核对后保存。";
      form.parentNode.insertBefore(note, form);
      ["lat", "name"].forEach(function (id) {
        var input = document.getElementById(id);
        if (input) {
          input.dispatchEvent(new Event(id === "lat" ? "change" : "input"));
        }
      });
    }
    form.addEventListener("submit", function () {
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!element.name || DRAFT_SKIP[element.name] || element.type === "submit") {
          return;
        }
        fields[element.name] = fields[element.name] || [];
        if (element.type !== "checkbox" || element.checked) {
          fields[element.name].push(element.value);
        }
      });
      try {
        store.setItem(DRAFT_KEY, JSON.stringify({
          path: window.location.pathname, version: formVersion(form), fields: fields
        }));
      } catch (error) {
        return;  // storage full or refused: the save itself goes on
      }
    });
  }

  setupDraft();
})();
