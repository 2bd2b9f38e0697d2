// Web chat: sends text or a button's payload to /chat/api/messages and shows the replies.
// Each message carries a random id, so a retried request is answered once.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var error = document.getElementById("error");
  var busy = false;

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(message) {
    var item = document.createElement("li");
    item.className = "msg " + (message.direction === "in" ? "in" : "out") +
      (message.kind === "notice" ? " notice" : "");
    item.setAttribute("dir", message.dir || "auto");
    var text = document.createElement("div");
    text.textContent = message.text;
    item.appendChild(text);
    var rows = message.buttons || [];
    if (rows.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      rows.forEach(function (row) {
        row.forEach(function (button) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = button.label;
          b.setAttribute("dir", "auto");
          b.addEventListener("click", function () { send({ payload: button.payload }, null); });
          box.appendChild(b);
        });
      });
      item.appendChild(box);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function send(body, echo) {
    if (busy) { return; }
    busy = true;
    sendButton.disabled = true;
    error.hidden = true;
    body.id = newId();
    if (echo) { show({ direction: "in", text: echo, dir: "auto" }); }
    attempt(body, 0);
  }

  function attempt(body, tries) {
    fetch("/chat/api/messages", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      data.replies.forEach(show);
      done();
    }).catch(function () {
      if (tries < 2) { setTimeout(function () { attempt(body, tries + 1); }, 1500); return; }
      error.hidden = false;
      done();
    });
  }

  function done() {
    busy = false;
    sendButton.disabled = false;
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  fetch("/chat/api/history", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      if (data.messages.length) { data.messages.forEach(show); }
      else { send({ text: "/start" }, null); }
    })
    .catch(function () { send({ text: "/start" }, null); });
})();
