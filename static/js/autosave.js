/*
 * Autosave for edit forms that carry a record version (cases/concurrency.py).
 *
 * What is typed is kept in this browser's localStorage under a key made of the
 * user, the page and the record version it was read at. If the session expires
 * and the save is lost to the sign-in page, opening the form again restores the
 * text (and the version it was based on, so a save made meanwhile by someone else
 * shows both texts instead of being overwritten). After a successful save the
 * server names the kept copy in the "autosave_saved" cookie and it is removed.
 * Loaded on every page by base.html; it does nothing where no such form is.
 */
(function () {
  "use strict";

  var PREFIX = "autosave:";
  var SAVED_COOKIE = "autosave_saved";
  var SKIP = { csrfmiddlewaretoken: true, record_version: true };

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function clearSavedCopy(store) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + SAVED_COOKIE + "=([^;]*)"));
    if (!match) {
      return;
    }
    var key = decodeURIComponent(match[1].replace(/^"|"$/g, ""));
    store.removeItem(PREFIX + key);
    document.cookie = SAVED_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && !el.disabled &&
        ["submit", "button", "reset", "file", "password"].indexOf(el.type) === -1;
    });
  }

  function collect(form) {
    var values = {};
    fields(form).forEach(function (el) {
      values[el.name] = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          values[el.name].push(el.value);
        }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (option) {
          values[el.name].push(option.value);
        });
      } else {
        values[el.name].push(el.value);
      }
    });
    return values;
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      var wanted = values[el.name];
      if (!wanted) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = wanted.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = wanted.indexOf(option.value) !== -1;
        });
      } else if (wanted.length) {
        el.value = wanted[0];
      }
    });
  }

  function keptCopies(store, prefix) {
    var copies = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX + prefix) === 0) {
        try {
          copies.push({ key: key, kept: JSON.parse(store.getItem(key)) });
        } catch (e) {
          store.removeItem(key);
        }
      }
    }
    copies.sort(function (a, b) {
      return (b.kept.kept_at || 0) - (a.kept.kept_at || 0);
    });
    return copies;
  }

  function notice(form, text, onDiscard) {
    var box = document.createElement("div");
    box.className = "alert alert-info";
    box.setAttribute("role", "status");
    box.id = "autosave-restored";
    box.appendChild(document.createTextNode(text + " "));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary ms-2";
    discard.textContent = "Discard what was kept";
    discard.addEventListener("click", onDiscard);
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function start(store, versionInput) {
    var form = versionInput.form;
    var prefix = versionInput.dataset.autosavePrefix;
    var isConflictPage = Boolean(document.getElementById("edit-conflict"));

    function currentKey() {
      return PREFIX + prefix + versionInput.value;
    }

    function keep() {
      store.setItem(
        currentKey(),
        JSON.stringify({ kept_at: Date.now(), version: versionInput.value, values: collect(form) })
      );
    }

    function forgetAll() {
      keptCopies(store, prefix).forEach(function (copy) {
        store.removeItem(copy.key);
      });
    }

    if (isConflictPage) {
      // The server shows both texts and the form holds what was typed, now on
      // the current version: keep that, and drop copies made on older versions.
      forgetAll();
      keep();
    } else {
      var copies = keptCopies(store, prefix);
      var latest = copies[0];
      var original = collect(form);
      if (latest && latest.kept.values && !same(latest.kept.values, original)) {
        apply(form, latest.kept.values);
        // Saved against the version the text was based on: if the record was
        // saved since, the server refuses and shows both texts.
        versionInput.value = latest.kept.version;
        copies.slice(1).forEach(function (copy) {
          store.removeItem(copy.key);
        });
        notice(
          form,
          "Restored what you typed here and had not saved (kept in this browser at " +
            new Date(latest.kept.kept_at).toLocaleTimeString("en-GB") +
            "). Check it, then save.",
          function () {
            forgetAll();
            window.location.reload();
          }
        );
      } else if (latest) {
        forgetAll();
      }
    }

    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", keep);
    document.querySelectorAll("[data-autosave-discard]").forEach(function (link) {
      link.addEventListener("click", forgetAll);
    });
  }

  function init() {
    var store = storage();
    if (!store || !window.JSON) {
      return;
    }
    clearSavedCopy(store);
    document.querySelectorAll("input[name=record_version][data-autosave-prefix]").forEach(
      function (input) {
        if (input.form) {
          start(store, input);
        }
      }
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
