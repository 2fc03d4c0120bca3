/* The counter tablet (issue 16): one page for every customer, never navigated away from.
   - Each answer is put in an IndexedDB queue (with its idempotency key) before it is sent, and
     leaves the queue only once the server has stored it or refused it for good; the queue is
     sent again when the network returns, after a reload and every few seconds.
   - After an answer: a thank-you screen, then a blank form with a new key. A form left
     half-filled is cleared after a minute without a touch. The tracking code is shown only on
     request and forgotten with the screen.
   - A new service worker takes over only between customers. */
(function () {
  "use strict";
  const body = document.body;
  const form = document.getElementById("kiosk-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const text = JSON.parse($("kiosk-messages").textContent);
  const answerUrl = body.dataset.answerUrl;
  const tokenUrl = body.dataset.tokenUrl;
  const thanksMs = Number(body.dataset.thanksSeconds || 6) * 1000;
  const idleMs = Number(body.dataset.idleSeconds || 60) * 1000;
  const screens = { form: $("kiosk-form-screen"), thanks: $("kiosk-thanks-screen"), refused: $("kiosk-refused-screen") };
  const HEADERS = { "Content-Type": "application/x-www-form-urlencoded", "X-KBNN-Kiosk": "1" };
  let lastTouch = Date.now();
  let touched = false;
  let tokenAt = Date.now();
  let screenTimer = null;
  let flushing = false;
  let retryAt = 0;
  let dropped = 0;
  let registration = null;
  let takingOver = false;

  // --- the queue (IndexedDB): survives a reload and a restart of the browser
  const DB_NAME = "kbnn-kiosk";
  const STORE = "queue";
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function inStore(mode, action) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => { db.close(); resolve(request.result); };
      transaction.onerror = transaction.onabort = () => { db.close(); reject(transaction.error); };
    }));
  }
  const queue = {
    put: (item) => inStore("readwrite", (store) => store.put(item)),
    remove: (key) => inStore("readwrite", (store) => store.delete(key)),
    all: () => inStore("readonly", (store) => store.getAll()),
  };
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

  function newKey() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function setOffline(offline) { $("kiosk-offline").hidden = !offline; }

  async function showCount() {
    let n = 0;
    try { n = (await queue.all()).length; } catch (e) { n = 0; }
    const badge = $("kiosk-queue");
    badge.dataset.count = String(n);
    badge.hidden = n === 0;
    badge.textContent = text.waiting.replace("{n}", n);
    const note = $("kiosk-dropped");
    note.hidden = dropped === 0;
    note.textContent = text.dropped.replace("{n}", dropped);
    return n;
  }

  async function send(item) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10000);
    let response;
    try {
      response = await fetch(answerUrl, {
        method: "POST", headers: HEADERS, body: item.body, credentials: "same-origin",
        cache: "no-store", signal: controller.signal,
      });
    } catch (e) {
      setOffline(true);
      return { kind: "later" };
    } finally {
      clearTimeout(timer);
    }
    setOffline(false);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.ok && data.ok) return { kind: "stored", data };
    if (response.status === 429 || response.status >= 500 || !data.reason) {
      return { kind: "later", retryAfter: Number(response.headers.get("Retry-After") || 0) };
    }
    if (data.reason === "invalid") return { kind: "invalid", data };
    return { kind: "refused", data };
  }

  async function flush() {
    if (flushing || Date.now() < retryAt) return;
    flushing = true;
    try {
      const items = (await queue.all()).sort((a, b) => a.queuedAt - b.queuedAt);
      for (const item of items) {
        const result = await send(item);
        if (result.kind === "later") {
          if (result.retryAfter) retryAt = Date.now() + result.retryAfter * 1000;
          break;
        }
        await queue.remove(item.key);
        if (result.kind !== "stored") dropped += 1;  // counted by the server with its reason
      }
    } catch (e) {
      /* IndexedDB unavailable: nothing to send */
    } finally {
      flushing = false;
      await showCount();
    }
  }

  // --- the form
  function isDirty() {
    return Boolean(form.querySelector("input[type=radio]:checked")) || form.comment.value.trim() !== "";
  }

  function refreshToken() {
    // The server's clock times the form from the customer's first touch.
    if (Date.now() - tokenAt < 5000) return;
    fetch(tokenUrl, { headers: { "X-KBNN-Kiosk": "1" }, credentials: "same-origin", cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => { if (data && data.t) { form.t.value = data.t; tokenAt = Date.now(); } })
      .catch(() => {});
  }

  function touch() {
    lastTouch = Date.now();
    if (!touched && screens.form.hidden === false) { touched = true; refreshToken(); }
  }

  function show(name) {
    for (const [key, element] of Object.entries(screens)) element.hidden = key !== name;
    window.scrollTo(0, 0);
  }

  function resetForm() {
    clearTimeout(screenTimer);
    form.reset();
    form.idempotency_key.value = newKey();
    form.querySelectorAll(".kiosk-missing").forEach((el) => el.classList.remove("kiosk-missing"));
    $("kiosk-error").hidden = true;
    $("kiosk-error").textContent = "";
    $("kiosk-code").textContent = "";
    $("kiosk-code").hidden = true;
    $("kiosk-code-help").hidden = true;
    $("kiosk-code-box").hidden = true;
    $("kiosk-send").disabled = false;
    touched = false;
    lastTouch = Date.now();
    history.replaceState(null, "", location.pathname);
    show("form");
    body.dataset.blankAt = String(Date.now());  // for the browser tests
    takeOverIfWaiting();
  }

  function showThanks(code, offline) {
    $("kiosk-thanks-offline").hidden = !offline;
    $("kiosk-code-box").hidden = !code;
    $("kiosk-show-code").onclick = () => {
      $("kiosk-code").textContent = code;
      $("kiosk-code").hidden = false;
      $("kiosk-code-help").hidden = false;
      $("kiosk-show-code").hidden = true;
      clearTimeout(screenTimer);
      screenTimer = setTimeout(resetForm, Math.max(thanksMs, 20000));
    };
    $("kiosk-show-code").hidden = false;
    show("thanks");
    screenTimer = setTimeout(resetForm, thanksMs);
  }

  function showRefused(message) {
    $("kiosk-refused-message").textContent = message || text.refused;
    show("refused");
    screenTimer = setTimeout(resetForm, Math.max(thanksMs, 10000));
  }

  function missingQuestions() {
    const missing = [];
    form.querySelectorAll("fieldset[data-required='1']").forEach((fieldset) => {
      const answered = fieldset.querySelector("input[type=radio]:checked");
      fieldset.classList.toggle("kiosk-missing", !answered);
      if (!answered) missing.push(fieldset);
    });
    return missing;
  }

  function showErrors(message, fieldsets) {
    const box = $("kiosk-error");
    box.textContent = message;
    box.hidden = false;
    const first = fieldsets && fieldsets[0];
    (first || box).scrollIntoView({ block: "center" });
  }

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset");
    if (fieldset) fieldset.classList.remove("kiosk-missing");
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = missingQuestions();
    if (missing.length) { showErrors(text.missing, missing); return; }
    $("kiosk-send").disabled = true;
    const item = {
      key: form.idempotency_key.value,
      body: new URLSearchParams(new FormData(form)).toString(),
      queuedAt: Date.now(),
    };
    try { await queue.put(item); } catch (e) { /* sent directly below */ }
    await showCount();
    const result = await send(item);
    if (result.kind === "later") {
      if (result.retryAfter) retryAt = Date.now() + result.retryAfter * 1000;
      showThanks("", true);
    } else {
      try { await queue.remove(item.key); } catch (e) { /* nothing kept */ }
      if (result.kind === "stored") {
        if (result.data.next) { form.t.value = result.data.next; tokenAt = Date.now(); }
        showThanks(result.data.tracking_code || "", false);
      } else if (result.kind === "invalid") {
        $("kiosk-send").disabled = false;
        showErrors(result.data.message || text.missing, []);
      } else {
        showRefused(result.data.message);
      }
    }
    await showCount();
  });

  $("kiosk-next").addEventListener("click", resetForm);
  $("kiosk-refused-next").addEventListener("click", resetForm);
  for (const type of ["pointerdown", "keydown", "input", "change", "touchstart"]) {
    document.addEventListener(type, touch, { passive: true });
  }
  window.addEventListener("beforeunload", (event) => {
    // Only a half-filled form would be lost: the queue outlives the page.
    if (screens.form.hidden === false && isDirty()) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) resetForm(); });
  window.addEventListener("online", () => { setOffline(false); retryAt = 0; flush(); });
  window.addEventListener("offline", () => setOffline(true));

  setInterval(() => {
    if (screens.form.hidden === false && isDirty() && Date.now() - lastTouch > idleMs) resetForm();
  }, 1000);
  setInterval(flush, 4000);

  // --- the service worker: keeps the page for offline use; updates between customers only
  function takeOverIfWaiting() {
    if (registration && registration.waiting && !isDirty()) {
      takingOver = true;
      registration.waiting.postMessage("take-over");
    }
  }
  function markReady() { if (navigator.serviceWorker.controller) body.dataset.swReady = "1"; }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.swUrl, { scope: body.dataset.scope })
      .then((reg) => { registration = reg; })
      .catch(() => {});
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      markReady();
      if (takingOver) location.reload();
    });
    navigator.serviceWorker.ready.then(markReady);
  }

  resetForm();
  setOffline(!navigator.onLine);
  flush();
})();
