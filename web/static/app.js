/* Fazhi Archive — progressive enhancement only: every page works without this file.
 * Adds: one-click copy, the citation list (localStorage), linked scrolling on the comparison.
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
          list.push({ report_id: cite.report_id, seq: cite.seq, quote: cite.quote, source: cite.source,
                      permalink: cite.permalink, gbt7714: cite.gbt7714 });
          saveList(list);
          markAdded(button);
        }).catch(function () {
          button.textContent = "加入失败，请重试";
        }).then(function () { button.disabled = false; });
      });
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function renderCitationsPage() {
    var listNode = document.querySelector("[data-cite-list]");
    if (!listNode) { return; }
    var form = document.querySelector("[data-cite-export]");
    var empty = document.querySelector("[data-cite-empty]");
    var status = form.querySelector(".status");

    function render() {
      var list = loadList();
      listNode.textContent = "";
      empty.hidden = list.length > 0;
      form.hidden = list.length === 0;
      list.forEach(function (item, index) {
        var li = el("li");
        li.appendChild(el("blockquote", "", item.quote));
        li.appendChild(el("div", "ref", item.gbt7714));
        var actions = el("div", "hit-actions");
        var link = el("a", "", "在原文中查看");
        link.href = item.permalink;
        actions.appendChild(link);
        var remove = el("button", "secondary", "移除");
        remove.type = "button";
        remove.addEventListener("click", function () {
          var current = loadList();
          current.splice(index, 1);
          saveList(current);
          render();
        });
        actions.appendChild(remove);
        li.appendChild(actions);
        listNode.appendChild(li);
      });
      form.elements.items.value = list.map(keyOf).join("\n");
    }

    form.querySelector(".clear-list").addEventListener("click", function () {
      if (window.confirm("清空引用清单？")) { saveList([]); render(); }
    });
    form.querySelector(".copy-all").addEventListener("click", function (event) {
      var text = loadList().map(function (item, i) { return "[" + (i + 1) + "] " + item.gbt7714; }).join("\n");
      copyText(text).then(function () { flash(event.target, "已复制"); status.textContent = "已复制到剪贴板"; },
        function () { status.textContent = "复制失败，请手动选择文字复制"; });
    });
    render();
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

  /* ---------- cited passage: make sure it is in view even if the fragment was dropped ---------- */
  function revealCited() {
    var cited = document.querySelector(".passage.is-cited");
    if (cited && !window.location.hash) { cited.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCopyButtons();
    initAddButtons();
    renderCitationsPage();
    initLinkedScrolling();
    updateCount();
    revealCited();
  });
})();
