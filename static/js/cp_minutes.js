/*
 * Autosave for the minutes editor (templates/meetings/cp/minutes_edit.html).
 *
 * Every few seconds, changed text is posted as JSON with the lock version it was
 * read at. Every change is also kept in this browser's localStorage, so nothing
 * is lost if the session expires: after signing in again, reopening the page
 * restores the text and saves it. If someone else saved first, the server
 * refuses (409) and both versions are shown; nothing is overwritten silently.
 */
(function () {
  "use strict";

  var form = document.getElementById("minutes-form");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var url = form.dataset.autosaveUrl;
  var key = form.dataset.storageKey;
  var every = (parseInt(form.dataset.autosaveSeconds, 10) || 5) * 1000;
  var loginUrl = form.dataset.loginUrl;
  var lockInput = form.querySelector("input[name=lock_version]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var statusEl = document.getElementById("autosave-status");
  var restoredEl = document.getElementById("restored-note");
  var panel = document.getElementById("conflict-panel");
  var dirty = false;
  var saving = false;
  var stopped = false;
  var pendingConflict = null;

  function say(text, tone) {
    statusEl.textContent = text;
    statusEl.className = "small " + (tone || "text-muted");
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function sectionBoxes() {
    return form.querySelectorAll("[data-section]");
  }

  function collect() {
    var sections = {};
    sectionBoxes().forEach(function (box) {
      var present = [];
      box.querySelectorAll("input[data-field=present]:checked").forEach(function (el) {
        present.push(parseInt(el.value, 10));
      });
      sections[box.dataset.section] = {
        text: box.querySelector("textarea[data-field=text]").value,
        restricted_text: box.querySelector("textarea[data-field=restricted_text]").value,
        present: present
      };
    });
    return { lock_version: parseInt(lockInput.value, 10), sections: sections };
  }

  function apply(sections) {
    sectionBoxes().forEach(function (box) {
      var data = sections[box.dataset.section];
      if (!data) {
        return;
      }
      box.querySelector("textarea[data-field=text]").value = data.text || "";
      box.querySelector("textarea[data-field=restricted_text]").value =
        data.restricted_text || "";
      var ids = (data.present || data.present_ids || []).map(String);
      box.querySelectorAll("input[data-field=present]").forEach(function (el) {
        el.checked = ids.indexOf(el.value) !== -1;
      });
    });
  }

  function keep() {
    var store = storage();
    if (store) {
      store.setItem(key, JSON.stringify({ kept_at: Date.now(), draft: collect() }));
    }
  }

  function forget() {
    var store = storage();
    if (store) {
      store.removeItem(key);
    }
  }

  function same(a, b) {
    return JSON.stringify(a.sections) === JSON.stringify(b.sections);
  }

  function restore() {
    var store = storage();
    var kept = store && store.getItem(key);
    if (!kept) {
      return;
    }
    var saved;
    try {
      saved = JSON.parse(kept);
    } catch (e) {
      forget();
      return;
    }
    if (!saved || !saved.draft || same(saved.draft, collect())) {
      forget();
      return;
    }
    apply(saved.draft.sections);
    // Saved against the version it was read at: if someone saved since, the
    // server refuses and both texts are shown.
    lockInput.value = saved.draft.lock_version;
    dirty = true;
    restoredEl.hidden = false;
    restoredEl.textContent =
      "Restored text you had not saved, kept in this browser at " +
      new Date(saved.kept_at).toLocaleTimeString("en-GB") +
      ". It is being saved now.";
  }

  function signedOut() {
    stopped = true;
    dirty = true;
    keep();
    statusEl.textContent = "";
    statusEl.className = "small text-danger fw-semibold";
    statusEl.appendChild(
      document.createTextNode(
        "You are signed out. Nothing is lost: your text is kept in this browser. "
      )
    );
    var link = document.createElement("a");
    link.href = loginUrl;
    link.textContent = "Sign in again";
    statusEl.appendChild(link);
    statusEl.appendChild(document.createTextNode(" to carry on."));
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.style.whiteSpace = "pre-wrap";
    td.textContent = text || "—";
    row.appendChild(td);
  }

  function showConflict(body) {
    pendingConflict = body;
    stopped = true;
    document.getElementById("conflict-message").textContent = body.message || "";
    document.getElementById("conflict-theirs-heading").textContent =
      "Saved by " + (body.saved_by || "someone else") +
      (body.saved_at ? " at " + body.saved_at : "");
    var rows = document.getElementById("conflict-rows");
    rows.textContent = "";
    var mine = collect().sections;
    Object.keys(body.current).forEach(function (id) {
      var theirs = body.current[id];
      var yours = mine[id] || {};
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = theirs.heading;
      tr.appendChild(th);
      cell(tr, theirs.text + (theirs.restricted_text ? "\nRestricted: " + theirs.restricted_text : ""));
      cell(tr, (yours.text || "") + (yours.restricted_text ? "\nRestricted: " + yours.restricted_text : ""));
      rows.appendChild(tr);
    });
    panel.hidden = false;
    say("Not saved: someone else saved first. Compare the two versions above.", "text-danger fw-semibold");
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function save() {
    if (!dirty || saving || stopped) {
      return;
    }
    saving = true;
    dirty = false;
    var body = collect();
    say("Saving…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("application/json") === -1) {
          // A sign-in page or a refused request: the session has ended.
          signedOut();
          return null;
        }
        return response.json().then(function (json) {
          return { status: response.status, json: json };
        });
      })
      .then(function (result) {
        if (!result) {
          return;
        }
        if (result.status === 200 && result.json.saved) {
          lockInput.value = result.json.lock_version;
          if (dirty) {
            keep();
          } else {
            forget();
          }
          say("Saved at " + result.json.saved_at + ".", "text-success");
        } else if (result.status === 409) {
          showConflict(result.json);
        } else {
          dirty = true;
          stopped = true;
          keep();
          say(result.json.error || "Not saved.", "text-danger fw-semibold");
        }
      })
      .catch(function () {
        dirty = true;
        keep();
        say("Could not reach the server: your text is kept in this browser and will be saved when the connection returns.", "text-warning-emphasis");
      })
      .then(function () {
        saving = false;
      });
  }

  document.getElementById("conflict-keep-mine").addEventListener("click", function () {
    if (!pendingConflict) {
      return;
    }
    lockInput.value = pendingConflict.lock_version;
    pendingConflict = null;
    panel.hidden = true;
    stopped = false;
    dirty = true;
    save();
  });

  document.getElementById("conflict-take-theirs").addEventListener("click", function () {
    if (!pendingConflict) {
      return;
    }
    apply(pendingConflict.current);
    lockInput.value = pendingConflict.lock_version;
    pendingConflict = null;
    panel.hidden = true;
    stopped = false;
    dirty = false;
    forget();
    say("Their version is in the form.", "text-muted");
  });

  form.addEventListener("input", function () {
    dirty = true;
    keep();
    if (!stopped) {
      say("Unsaved changes…");
    }
  });
  form.addEventListener("change", function () {
    dirty = true;
    keep();
  });
  form.addEventListener("submit", function () {
    // The form posts everything itself; what is kept here is removed once saved.
    stopped = true;
    keep();
  });
  window.addEventListener("pagehide", function () {
    if (dirty) {
      keep();
    }
  });

  restore();
  window.setInterval(save, every);
  if (dirty) {
    save();
  }
})();
