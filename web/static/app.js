/* Fazhi Archive — progressive enhancement only: every page works without this file.
 * Adds: one-click copy, the citation list (localStorage, mirrored in the share URL), linked scrolling on the comparison
 * and its cells opened at their first hit with previous/next per column,
 * the compare selection counter, hit-by-hit navigation in the reader (buttons and N/P keys),
 * the search context on links into the reader, filter boxes applied when ticked, long text posted
 * rather than put in a URL, the outline
 * folded on phones, and a search placeholder shortened to what fits.
 * No inline script anywhere (the CSP forbids it); no text is ever inserted as HTML. */
(function () {
  "use strict";

  var STORE_KEY = "fazhi.citations.v1";

  /* ---------- copy ---------- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function fallbackCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function flash(button, label) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = label;
    button.classList.add("copied");
    window.setTimeout(function () { button.textContent = original; button.classList.remove("copied"); }, 1800);
  }

  function initCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.copy);
        if (!target) { return; }
        copyText(target.value).then(function () { flash(button, "已复制"); }, function () {
          target.focus(); target.select(); flash(button, "请按 Ctrl+C");
        });
      });
    });
  }

  /* ---------- citation list ---------- */
  function loadList() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORE_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function saveList(list) {
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
    updateCount();
  }

  function keyOf(item) { return item.report_id + ":" + item.seq; }

  function hasItem(reportId, seq) {
    return loadList().some(function (item) { return keyOf(item) === reportId + ":" + seq; });
  }

  function updateCount() {
    var n = loadList().length;
    document.querySelectorAll("[data-cite-count]").forEach(function (badge) {
      badge.textContent = String(n);
      badge.hidden = n === 0;
    });
  }

  function markAdded(button) {
    button.classList.add("added");
    button.textContent = "已在引用清单";
    button.setAttribute("aria-pressed", "true");
  }

  function initAddButtons() {
    document.querySelectorAll(".cite-add").forEach(function (button) {
      var reportId = button.dataset.report, seq = Number(button.dataset.seq);
      button.hidden = false;
      if (hasItem(reportId, seq)) { markAdded(button); }
      button.addEventListener("click", function () {
        if (hasItem(reportId, seq)) { return; }
        button.disabled = true;
        fetch(button.dataset.api, {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        }).then(function (cite) {
          var list = loadList();
          list.push({ report_id: cite.report_id, seq: cite.seq });
          saveList(list);
          markAdded(button);
        }).catch(function () {
          button.textContent = "加入失败，请重试";
        }).then(function () { button.disabled = false; });
      });
    });
  }

  /* The reference list page is rendered by the server from ?items=id:seq,… (the share URL).
   * Here: an empty URL is filled from this browser's list; a shared list is adopted when this
   * browser has none, else offered (replace or merge); removing or clearing updates both. */
  function itemsOf(keys) {
    return keys.map(function (key) {
      var cut = key.lastIndexOf(":");
      return { report_id: key.slice(0, cut), seq: Number(key.slice(cut + 1)) };
    });
  }

  function sameKeys(a, b) {
    return a.length === b.length && a.every(function (key) { return b.indexOf(key) >= 0; });
  }

  function listUrl(keys) {
    return "/citations" + (keys.length ? "?items=" + encodeURIComponent(keys.join(",")) : "");
  }

  function initCitationsPage() {
    var section = document.querySelector("[data-citations]");
    if (!section) { return; }
    var params = new URLSearchParams(window.location.search);
    var mine = loadList().map(keyOf);
    if (!params.has("items")) {
      if (mine.length) { window.location.replace(listUrl(mine)); }
      return;
    }
    var asked = params.get("items").split(/[\s,]+/).filter(Boolean);
    var shown = section.dataset.items ? section.dataset.items.split(",") : [];  // as the server resolved them
    var own = !mine.length || sameKeys(mine, asked) || sameKeys(mine, shown);
    if (own) {
      saveList(itemsOf(shown));
    } else {
      var notice = section.querySelector("[data-cite-shared]");
      notice.hidden = false;
      notice.querySelectorAll("[data-cite-adopt]").forEach(function (button) {
        button.addEventListener("click", function () {
          var keys = button.dataset.citeAdopt === "merge"
            ? mine.concat(shown.filter(function (key) { return mine.indexOf(key) < 0; })) : shown;
          saveList(itemsOf(keys));
          window.location.assign(listUrl(keys));
        });
      });
    }
    section.querySelectorAll("[data-cite-remove]").forEach(function (link) {
      link.addEventListener("click", function () {
        if (own) { saveList(itemsOf(shown.filter(function (key) { return key !== link.dataset.citeRemove; }))); }
      });
    });
    var clear = section.querySelector("[data-cite-clear]");
    if (clear && own) {
      clear.hidden = false;
      clear.addEventListener("click", function () {
        if (window.confirm("清空引用清单？")) { saveList([]); window.location.assign(listUrl([])); }
      });
    }
  }

  /* ---------- linked scrolling on the comparison ---------- */
  function initLinkedScrolling() {
    var toggle = document.getElementById("link-scroll");
    if (!toggle) { return; }
    toggle.closest(".link-toggle").hidden = false;
    var syncing = false;
    document.querySelectorAll(".cg-row[data-kind]").forEach(function (row) {
      var panes = Array.prototype.slice.call(row.querySelectorAll(".cell-scroll"));
      panes.forEach(function (pane) {
        pane.addEventListener("scroll", function () {
          if (!toggle.checked || syncing) { return; }
          var range = pane.scrollHeight - pane.clientHeight;
          var ratio = range > 0 ? pane.scrollTop / range : 0;
          syncing = true;
          panes.forEach(function (other) {
            if (other !== pane) { other.scrollTop = ratio * (other.scrollHeight - other.clientHeight); }
          });
          window.requestAnimationFrame(function () { syncing = false; });
        }, { passive: true });
      });
    });
  }

  /* ---------- comparison: every cell opens at its first hit; previous/next per column ---------- */
  function revealInPane(node) {
    var pane = node.closest(".cell-scroll");
    if (pane) { pane.scrollTop += node.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8; }
  }

  function initCompareHits() {
    var all = document.querySelectorAll(".cg-cell [data-hit]");
    if (!all.length) { return; }
    document.querySelectorAll(".cell-scroll").forEach(function (pane) {
      var first = pane.querySelector("[data-hit]");
      if (first) { revealInPane(first); }
    });
    document.querySelectorAll("[data-col-nav]").forEach(function (nav) {
      var col = nav.dataset.colNav;
      var hits = Array.prototype.slice.call(document.querySelectorAll(".cg-cell[data-col='" + col + "'] [data-hit]"));
      var counter = nav.querySelector("[data-col-counter]");
      var current = 0;
      nav.querySelectorAll("[data-col-step]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          hits[current].classList.remove("is-current-hit");
          current = (current + Number(link.dataset.colStep) + hits.length) % hits.length;
          var hit = hits[current];
          hit.classList.add("is-current-hit");
          counter.textContent = String(current + 1);
          hit.scrollIntoView({ block: "center" });
          revealInPane(hit);
          hit.focus({ preventScroll: true });
        });
      });
    });
    if (!window.location.hash) {  // the page opens at the first row holding a hit
      var row = all[0].closest(".cg-row");
      var kind = row && row.previousElementSibling;
      if (kind && kind.classList.contains("cg-kind") && kind.getBoundingClientRect().top > window.innerHeight * 0.6) {
        kind.scrollIntoView({ block: "start" });
      }
    }
  }

  /* ---------- compare selection: "已选 n 份", button enabled only for 2–4 ---------- */
  var COMPARE_MIN = 2, COMPARE_MAX = 4;

  function initCompareCounters() {
    document.querySelectorAll("form.compare-form").forEach(function (form) {
      var boxes = form.querySelectorAll("input.pick[name=ids]");
      var counters = form.querySelectorAll("[data-compare-count]");
      var buttons = form.querySelectorAll("[data-compare-submit]");
      function update() {
        var n = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
        var ok = n >= COMPARE_MIN && n <= COMPARE_MAX;
        var hint = n < COMPARE_MIN ? "再选 " + (COMPARE_MIN - n) + " 份即可比较"
          : n > COMPARE_MAX ? "最多 " + COMPARE_MAX + " 份，请取消 " + (n - COMPARE_MAX) + " 份" : "可以比较";
        counters.forEach(function (counter) {
          counter.textContent = "已选 " + n + " 份 · " + hint;
          counter.classList.toggle("over", n > COMPARE_MAX);
        });
        buttons.forEach(function (button) { button.disabled = !ok; });
      }
      form.addEventListener("change", update);
      update();
    });
  }

  /* ---------- reader: "第 k / n 处" with previous/next and N/P (J/K) keys ---------- */
  function initHitNav() {
    var nav = document.querySelector("[data-hit-nav]");
    var hits = Array.prototype.slice.call(document.querySelectorAll("[data-hit]"));
    if (!nav || !hits.length) { return; }
    var counter = nav.querySelector("[data-hit-counter] b");
    var steps = nav.querySelectorAll("[data-hit-step]");
    var current = Number(nav.querySelector("[data-hit-counter] b").textContent) - 1;

    function go(index, focus) {
      var count = hits.length;
      current = ((index % count) + count) % count;
      hits.forEach(function (hit, i) { hit.classList.toggle("is-current-hit", i === current); });
      counter.textContent = String(current + 1);
      steps.forEach(function (link) {
        var target = hits[(current + Number(link.dataset.hitStep) + count) % count];
        link.setAttribute("href", "#" + target.id);
      });
      var node = hits[current];
      node.scrollIntoView({ block: "center" });
      if (focus) { node.focus({ preventScroll: true }); }
    }

    steps.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(current + Number(link.dataset.hitStep), false);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
      var target = event.target;
      if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
      var key = event.key.toLowerCase();
      var step = key === "n" || key === "j" ? 1 : key === "p" || key === "k" ? -1 : 0;
      if (!step) { return; }
      event.preventDefault();
      go(current + step, true);
    });
    // Open at the hit (a fragment or a cited passage in the URL wins: the user asked for that place).
    if (window.location.hash || document.querySelector(".passage.is-cited")) {
      hits[current].classList.add("is-current-hit");
    } else {
      go(current, false);
    }
  }

  /* ---------- search page: links into the reader carry the whole search (filters, sort, page) ---------- */
  var NOT_CONTEXT = /^(q|p|prev|within|keep_.*)$/;

  function initReaderLinks() {
    var results = document.querySelector(".results");
    if (!results || !window.location.search) { return; }
    var here = new URLSearchParams(window.location.search);
    results.querySelectorAll("a[href^='/reports/']").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (url.pathname.split("/").length !== 3) { return; }  // the reader only, not /source or cite pages
      var own = {};  // a filter of several values carries each of them
      url.searchParams.forEach(function (value, name) { own[name] = true; });
      here.forEach(function (value, name) {
        if (!NOT_CONTEXT.test(name) && !own[name]) { url.searchParams.append(name, value); }
      });
      link.setAttribute("href", url.pathname + url.search + url.hash);
    });
  }

  /* ---------- search box: text too long for a URL (a pasted passage) is posted ---------- */
  function initLongQueries() {
    document.querySelectorAll("form[data-post-over]").forEach(function (form) {
      var limit = Number(form.dataset.postOver);
      form.addEventListener("submit", function () {
        var size = new URLSearchParams(new FormData(form)).toString().length;
        form.method = size > limit ? "post" : "get";
      });
    });
  }

  /* ---------- search page: a ticked or unticked filter box applies at once ---------- */
  function initFacetForm() {
    document.querySelectorAll("form[data-facet-form]").forEach(function (form) {
      form.querySelectorAll("[data-facet-apply]").forEach(function (button) { button.hidden = true; });
      form.addEventListener("change", function (event) {
        if (event.target.type !== "checkbox") { return; }
        form.classList.add("is-applying");
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }

  /* ---------- phones: the outline starts folded so the text is one tap away ---------- */
  function foldOnPhone() {
    if (!window.matchMedia("(max-width: 860px)").matches) { return; }
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) { details.open = false; });
  }

  /* ---------- a placeholder longer than its box is cut at the last example that fits ---------- */
  function fitPlaceholders() {
    var canvas = document.createElement("canvas").getContext("2d");
    document.querySelectorAll("input[type=search][placeholder]").forEach(function (input) {
      var full = input.dataset.fullPlaceholder || input.getAttribute("placeholder");
      input.dataset.fullPlaceholder = full;
      var style = window.getComputedStyle(input);
      var room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (room <= 0) { return; }  // not laid out (hidden): measure again on the next resize
      canvas.font = style.font;
      var text = full;
      while (canvas.measureText(text).width > room && /[、，,]/.test(text)) {
        text = text.replace(/[、，,][^、，,]*$/, "");
      }
      input.setAttribute("placeholder", text);
      if (text !== full) { input.title = full; }
    });
  }

  /* ---------- cited passage: make sure it is in view even if the fragment was dropped ---------- */
  function revealCited() {
    var cited = document.querySelector(".passage.is-cited");
    if (cited && !window.location.hash) { cited.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCopyButtons();
    initAddButtons();
    initCitationsPage();
    initLinkedScrolling();
    initCompareHits();
    updateCount();
    revealCited();
    initCompareCounters();
    initReaderLinks();
    initFacetForm();
    initLongQueries();
    foldOnPhone();
    initHitNav();
    fitPlaceholders();
    window.addEventListener("resize", fitPlaceholders);
  });
})();
