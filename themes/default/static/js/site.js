/* duos default theme: the mentor directory's in-page filter. Without
   JavaScript the directory still works: every term links to its own page
   (the "Browse by expertise" list), and long listings are paged
   (/members/mentors/page/2/, ...). With JavaScript, a paged directory
   fetches its other pages the first time the filter is used, so that the
   filter looks at every mentor; with no filter set, only this page's
   mentors and the page links show. */
(function () {
  "use strict";
  var form = document.querySelector("[data-filter]");
  var list = document.querySelector("[data-mentors]");
  if (!form || !list) return;
  var pager = document.querySelector("[data-pagination]");
  var term = form.querySelector("select[name=term]");
  var text = form.querySelector("input[name=q]");
  var status = form.querySelector("[data-filter-status]");
  var cards = [];
  var haystack = [];
  var loaded = !pager;
  var loading = null;

  function collect() {
    cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
    haystack = cards.map(function (c) { return c.textContent.toLowerCase(); });
  }
  collect();

  /* The cards of every page, in page order, this page's own in place. */
  function loadAll() {
    if (loaded) return Promise.resolve();
    if (loading) return loading;
    var links = Array.prototype.slice.call(pager.querySelectorAll("a[data-page]"));
    status.textContent = "Loading all mentors…";
    loading = Promise.all(links.map(function (a) {
      if (a.getAttribute("aria-current") === "page") return Promise.resolve(null);
      return fetch(a.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(r.status)); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          return Array.prototype.slice.call(doc.querySelectorAll("[data-mentors] .card"));
        });
    })).then(function (pages) {
      var own = cards.slice();
      var all = document.createDocumentFragment();
      pages.forEach(function (page) {
        (page || own).forEach(function (card) {
          if (page) card.setAttribute("data-other-page", "");
          all.appendChild(document.importNode(card, true));
        });
      });
      list.textContent = "";
      list.appendChild(all);
      collect();
      loaded = true;
    }).catch(function () {
      loading = null;
      status.textContent = "Only this page's mentors could be loaded; the filter looks at them alone.";
    });
    return loading;
  }

  function apply() {
    var t = term.value;
    var q = text.value.trim().toLowerCase();
    var filtering = !!(t || q);
    var shown = 0;
    cards.forEach(function (card, i) {
      var terms = " " + (card.getAttribute("data-expertise") || "") + " ";
      var ok = filtering
        ? (!t || terms.indexOf(" " + t + " ") !== -1) && (!q || haystack[i].indexOf(q) !== -1)
        : !card.hasAttribute("data-other-page");
      card.hidden = !ok;
      if (ok && filtering) shown++;
    });
    if (pager) pager.hidden = filtering;
    var total = loaded ? cards.length : pager.getAttribute("data-total");
    status.textContent = filtering
      ? "Showing " + shown + " of " + total + " mentors."
      : "Showing " + cards.filter(function (c) { return !c.hidden; }).length + " of " + total + " mentors.";
    var params = new URLSearchParams(window.location.search);
    if (t) { params.set("term", t); } else { params.delete("term"); }
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function update() {
    if (!loaded && (term.value || text.value.trim())) {
      loadAll().then(apply);
    } else {
      apply();
    }
  }

  var initial = new URLSearchParams(window.location.search).get("term");
  if (initial) term.value = initial;
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  term.addEventListener("change", update);
  text.addEventListener("input", update);
  update();
})();

/* Conflicts of interest in the directory: a mentee's own institution's
   mentors (the cards whose data-institution is the mentee's
   institution_key from /api/me) are marked; the suggestions page already
   leaves them out. Cards the filter brings in from the other pages of a
   paged directory are marked as they arrive. Without JavaScript the cards
   are simply not marked. */
(function () {
  "use strict";
  var list = document.querySelector("[data-mentors]");
  if (!list || !window.fetch) return;
  function mark(key) {
    var cards = list.querySelectorAll(".card[data-institution]:not(.card-conflict)");
    Array.prototype.forEach.call(cards, function (card) {
      if (card.getAttribute("data-institution") !== key) return;
      card.classList.add("card-conflict");
      var note = document.createElement("p");
      note.className = "card-conflict-note";
      note.textContent = "Same institution as yours (conflict of interest): not suggested to you, and the committee does not pair you at the deadline.";
      card.insertBefore(note, card.children[1] || null);
    });
  }
  fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (me) {
      if (!me || !me.institution_key) return;
      mark(me.institution_key);
      if (window.MutationObserver) {
        new MutationObserver(function () { mark(me.institution_key); })
          .observe(list, { childList: true });
      }
    })
    .catch(function () {});
})();

/* The server-rendered forms (form[data-enhance]): errors next to the fields
   before sending, and the post sent without leaving the page; on success
   the browser goes to the result page the server named (its 303), on an
   error the server's field messages appear next to the fields. Without
   JavaScript the same forms post normally. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;
  var forms = document.querySelectorAll("form[data-enhance]");
  Array.prototype.forEach.call(forms, function (form) {
    function slot(name) { return form.querySelector('[data-error-for="' + name + '"]'); }
    function controls(name) { return form.querySelectorAll('[name="' + name + '"]'); }
    function clear() {
      Array.prototype.forEach.call(form.querySelectorAll("[data-error-for], [data-form-error]"), function (el) { el.hidden = true; el.textContent = ""; });
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    }
    function show(name, message) {
      var s = slot(name);
      Array.prototype.forEach.call(controls(name), function (c) { c.setAttribute("aria-invalid", "true"); });
      if (s) { s.textContent = message; s.hidden = false; return true; }
      return false;
    }
    function formError(message) {
      var f = form.querySelector("[data-form-error]");
      if (f) { f.textContent = message; f.hidden = false; }
    }
    function focusFirst() {
      var bad = form.querySelector("[aria-invalid=true]");
      if (bad) bad.focus();
    }
    function check() {
      var ok = true, seen = {};
      Array.prototype.forEach.call(form.querySelectorAll("[required]"), function (el) {
        if (seen[el.name]) return;
        seen[el.name] = true;
        var empty;
        if (el.type === "radio" || el.type === "checkbox") {
          empty = !form.querySelector('[name="' + el.name + '"]:checked');
        } else {
          empty = !el.value.trim();
        }
        if (empty) { ok = false; show(el.name, "Please fill this in."); }
      });
      return ok;
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clear();
      if (!check()) { focusFirst(); return; }
      var data = new FormData(form, e.submitter || undefined);
      var buttons = form.querySelectorAll("button");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(data).toString()
      }).then(function (r) {
        if (r.ok) { window.location.assign(r.url); return null; }
        return r.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var placed = false;
          Array.prototype.forEach.call(doc.querySelectorAll("ul.errors li"), function (li) {
            var strong = li.querySelector("strong");
            var field = strong ? strong.textContent.trim() : "";
            var message = li.textContent.replace(field, "").replace(/^\s*:\s*/, "");
            if (show(field, message)) { placed = true; } else { formError(li.textContent); }
          });
          var detail = doc.querySelector("main p, body p");
          if (!placed || !doc.querySelector("ul.errors")) formError(detail ? detail.textContent : "Something went wrong; please try again.");
          focusFirst();
        });
      }).catch(function () {
        formError("The server could not be reached; please try again.");
      }).then(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    });
  });
})();
