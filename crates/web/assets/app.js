// Progressive enhancement only: every page works without this file.
// Type-ahead suggestions for the procedure search box, from the JSON API.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) return;
  var list = document.getElementById("q-suggestions");
  var timer = null, seq = 0, active = -1;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", "q-suggestions");
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true; list.innerHTML = ""; active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function show(items) {
    list.innerHTML = "";
    items.forEach(function (p, i) {
      var li = document.createElement("li");
      li.id = "sug-" + i; li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = "/thu-tuc/" + encodeURIComponent(p.code);
      a.textContent = p.name;
      a.tabIndex = -1;
      li.appendChild(a); list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }
  function move(delta) {
    var opts = list.querySelectorAll("li");
    if (!opts.length) return;
    if (active >= 0) opts[active].removeAttribute("aria-selected");
    active = (active + delta + opts.length) % opts.length;
    opts[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", opts[active].id);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch(input.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) { if (mine === seq) show(d.items || []); })
        .catch(close);
    }, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location = list.querySelectorAll("li a")[active].href;
    }
  });
  document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== input) close(); });
})();

// Forms (progressive enhancement; every form works without this): the error summary or a
// success message takes focus on load, a submit button marked data-once is disabled after the
// first press (the server also answers a second submission with the first dossier), and a file
// over the size limit is reported before it is sent.
(function () {
  var focus = document.querySelector("[data-focus]");
  if (focus) focus.focus();
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var big = null;
      form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
        var max = +input.getAttribute("data-max-bytes");
        Array.prototype.forEach.call(input.files || [], function (f) { if (f.size > max) big = f.name; });
      });
      if (big) {
        e.preventDefault();
        window.alert("Tệp “" + big + "” quá lớn. Hãy chọn tệp nhỏ hơn.");
        return;
      }
      var once = form.querySelector("button[data-once]");
      if (once) {
        if (once.getAttribute("aria-disabled") === "true") { e.preventDefault(); return; }
        once.setAttribute("aria-disabled", "true");
        once.setAttribute("data-label", once.textContent);
        once.textContent = "Đang gửi…";
      }
    });
  });
})();

// Uploads (progressive enhancement): a form marked data-progress that carries files is sent
// with XMLHttpRequest so a bar shows how much has gone — on a slow mobile connection a 10 MB
// scan takes minutes, and a page that seems frozen gets submitted again or abandoned. The
// server's answer is shown exactly as a normal submission would show it: a redirect is
// followed, a page with errors replaces this one. Without this script the form posts as usual.
(function () {
  if (!window.XMLHttpRequest || !window.FormData) return;
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var box = form.querySelector(".upload-progress");
    if (!box) return;
    var bar = box.querySelector("progress"), said = box.querySelector("[aria-live]");
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      var bytes = 0;
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { bytes += f.size; });
      });
      if (!bytes) return;
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.setAttribute("aria-disabled", "true");
      box.hidden = false;
      var last = -1;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (p) {
        if (!p.lengthComputable) return;
        var pct = Math.floor((p.loaded / p.total) * 100);
        bar.value = pct;
        if (pct >= last + 25 || pct === 100) { last = pct; said.textContent = "Đã tải lên " + pct + "%"; }
      };
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.split("#")[0] !== form.action.split("#")[0]) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () {
        box.hidden = true;
        // The button is pressable again, with its own words (data-once said "Đang gửi…").
        if (button) {
          button.removeAttribute("aria-disabled");
          if (button.hasAttribute("data-label")) button.textContent = button.getAttribute("data-label");
        }
        window.alert("Mất kết nối khi tải tệp lên. Các tệp chưa được lưu; hãy thử lại.");
      };
      xhr.send(new FormData(form));
    });
  });
})();
