// Small behaviours on top of server-rendered pages: htmx settings, charts drawn from JSON, the region cascade,
// drag-and-drop upload, the citation dialog, and the response form's draft kept in localStorage.
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function () {});
  if (window.htmx) {
    // Error fragments (4xx/5xx) are swapped in like any other answer, so the message is shown where it belongs.
    htmx.config.responseHandling = [{ code: "204", swap: false }, { code: "...", swap: true }];
  }

  // ---- charts: the data comes from <script type="application/json">, never from string-built JS ----------
  var palette = ["#8e2443", "#0b57d0", "#1a7f37", "#9a6700", "#6639ba", "#bc4c00", "#0a7d8c", "#57606a"];
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-charts]").forEach(function (panel) {
      var node = document.getElementById(panel.getAttribute("data-charts"));
      if (!node) return;
      var data = JSON.parse(node.textContent);
      panel.querySelectorAll("[data-chart]").forEach(function (el) {
        var kind = el.getAttribute("data-chart");
        var chart = echarts.init(el, null, { renderer: "svg" });
        var opt;
        if (kind === "needs") {
          opt = {
            aria: { enabled: true }, color: palette, grid: { left: 110, right: 50, top: 10, bottom: 30 },
            tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
            xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
            yAxis: { type: "category", inverse: true, data: data.needs.names },
            series: [{ type: "bar", data: data.needs.percent, label: { show: true, position: "right", formatter: "{c}%" } }]
          };
        } else if (kind === "heatmap") {
          opt = {
            aria: { enabled: true }, tooltip: { position: "top" }, grid: { left: 90, right: 20, top: 10, bottom: 90 },
            xAxis: { type: "category", data: data.heatmap.needs, axisLabel: { rotate: 40, interval: 0 } },
            yAxis: { type: "category", data: data.heatmap.groups },
            visualMap: { min: 0, max: Math.max(1, data.heatmap.max), calculable: false, orient: "horizontal", left: "center", bottom: 0, show: false,
                         inRange: { color: ["#fdf2f5", "#8e2443"] } },
            series: [{ type: "heatmap", data: data.heatmap.cells, label: { show: true } }]
          };
        } else if (kind === "trend") {
          opt = {
            aria: { enabled: true }, color: palette, tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, top: 20, bottom: 30 },
            xAxis: { type: "category", data: data.trend.months }, yAxis: { type: "value" },
            series: [{ type: "line", data: data.trend.counts, symbol: "circle", label: { show: true } }]
          };
        }
        if (opt) chart.setOption(opt);
      });
    });
  }
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });

  // ---- region cascade: county -> township -> village from the tree embedded as JSON -----------------------
  function cascade(root) {
    var treeNode = root.querySelector("#region-tree");
    if (!treeNode) return;
    var tree = JSON.parse(treeNode.textContent);
    var county = root.querySelector("#f-county"), town = root.querySelector("#f-township"), village = root.querySelector("#f-village");
    function fill(select, names) {
      var keep = select.getAttribute("data-selected") || select.value;
      select.length = 1;
      names.forEach(function (n) { var o = new Option(n, n); if (n === keep) o.selected = true; select.add(o); });
      select.setAttribute("data-selected", "");
      select.disabled = names.length === 0;
    }
    function fromCounty() { fill(town, county.value ? Object.keys(tree[county.value] || {}) : []); fromTown(); }
    function fromTown() { fill(village, county.value && town.value ? ((tree[county.value] || {})[town.value] || []) : []); }
    fill(county, Object.keys(tree));
    fromCounty();
    county.addEventListener("change", fromCounty);
    town.addEventListener("change", fromTown);
  }

  // ---- upload: drag and drop onto the drop zone fills the file input and submits the inspection ----------
  function dropzone(root) {
    var zone = root.querySelector("#dropzone");
    if (!zone) return;
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (ev) { zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (ev) { zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
    zone.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      htmx.trigger(zone.closest("form"), "submit");
    });
    input.addEventListener("change", function () { if (input.files.length) htmx.trigger(input.closest("form"), "submit"); });
  }

  // ---- citations open in a dialog (the link still works as a page without JS) ---------------------------
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("[data-open-dialog]");
    if (!a) return;
    var dlg = document.getElementById(a.getAttribute("data-open-dialog"));
    if (dlg && !dlg.open) dlg.showModal();
  });

  // ---- response form: a draft in localStorage survives a dropped connection or a closed tab ---------------
  function newId() { return "web:" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }
  function draftForm(root) {
    var form = root.querySelector("form[data-draft]");
    if (!form) return;
    var key = form.getAttribute("data-draft");
    var note = document.getElementById("draft-note"), result = document.getElementById("respond-result");
    var source = form.querySelector("[name=source_id]");
    // Contact fields (data-private) never go into the draft: a phone left in a shared phone's storage would
    // tell the next user who answered.
    function fields() { return Array.prototype.filter.call(form.elements, function (el) { return el.name && el.name !== "csrf" && el.type !== "submit" && !el.hasAttribute("data-private"); }); }
    function save() { var d = {}; fields().forEach(function (el) { d[el.name] = el.value; }); localStorage.setItem(key, JSON.stringify(d)); }
    var saved = localStorage.getItem(key);
    if (saved) {
      try {
        var d = JSON.parse(saved);
        fields().forEach(function (el) { if (d[el.name] !== undefined) el.value = d[el.name]; });
        if (d.text) note.textContent = "已恢复上次未提交的草稿。";
      } catch (err) { localStorage.removeItem(key); }
    }
    if (!source.value) source.value = newId();  // one id per response: a retry after a dropped connection is not a duplicate
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      save();
      result.textContent = "正在提交……";
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) { return r.text().then(function (html) { return { ok: r.ok, html: html }; }); })
        .then(function (r) {
          var tmp = document.createElement("div"); tmp.innerHTML = r.html;
          result.textContent = tmp.textContent.trim();
          if (r.ok) {
            localStorage.removeItem(key);
            form.querySelector("[name=text]").value = "";
            form.querySelectorAll("[data-private]").forEach(function (el) { el.value = ""; });
            source.value = newId();
            note.textContent = "";
            save();
          }
        })
        .catch(function () {
          result.textContent = "";
          note.textContent = "网络中断，未能提交。草稿已保存在本机，恢复网络后再点“提交”即可（不会重复保存）。";
        });
    });
  }

  // ---- signing out forgets every unsent draft of this browser ---------------------------------------------
  document.addEventListener("submit", function (e) {
    if (e.target.matches && e.target.matches("form[action='/logout']")) {
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf("fuqing-respond-draft") === 0) localStorage.removeItem(k); });
    }
  });

  function init(root) { drawCharts(root); cascade(root); dropzone(root); draftForm(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
