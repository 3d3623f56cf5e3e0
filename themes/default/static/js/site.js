/* duos default theme: the mentor directory's in-page filter. Without
   JavaScript the directory still works: every term links to its own page. */
(function () {
  "use strict";
  var form = document.querySelector("[data-filter]");
  var list = document.querySelector("[data-mentors]");
  if (!form || !list) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
  var term = form.querySelector("select[name=term]");
  var text = form.querySelector("input[name=q]");
  var status = form.querySelector("[data-filter-status]");
  var haystack = cards.map(function (c) { return c.textContent.toLowerCase(); });

  function apply() {
    var t = term.value;
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (card, i) {
      var terms = " " + (card.getAttribute("data-expertise") || "") + " ";
      var ok = (!t || terms.indexOf(" " + t + " ") !== -1) && (!q || haystack[i].indexOf(q) !== -1);
      card.hidden = !ok;
      if (ok) shown++;
    });
    status.textContent = "Showing " + shown + " of " + cards.length + " mentors.";
    var params = new URLSearchParams(window.location.search);
    if (t) { params.set("term", t); } else { params.delete("term"); }
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  var initial = new URLSearchParams(window.location.search).get("term");
  if (initial) term.value = initial;
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  term.addEventListener("change", apply);
  text.addEventListener("input", apply);
  apply();
})();
