// ramp's dashboard script: keeps the page's live parts current. The pages work without it
// (forms post, links navigate); with it, every element with a `data-live` URL is fetched again
// when the server's event stream says something it shows changed (`data-live-kinds`: the kinds
// of event it shows; `data-live-app`, `-env`, `-number`: which deployments), and the start form
// follows the chosen profile's newest version.
"use strict";

(function () {
  const live = Array.from(document.querySelectorAll("[data-live]"));

  // The live parts to fetch again, one request at a time; a part an event concerns while its
  // request is in flight is fetched once more after it.
  let running = false;
  const pending = new Set();

  // Whether a live part shows what an event is about. A refresh event concerns everything.
  function concerns(el, event) {
    if (event.kind === "refresh") return true;
    const kinds = (el.dataset.liveKinds || "").split(" ");
    if (!kinds.includes(event.kind)) return false;
    if (event.kind !== "deployment") return true;
    const d = el.dataset;
    return (!d.liveApp || d.liveApp === event.app)
      && (!d.liveEnv || d.liveEnv === event.env)
      && (!d.liveNumber || d.liveNumber === String(event.number));
  }

  function heard(message) {
    let event = { kind: "refresh" };
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      // Not an event of ours: refresh everything to be safe.
    }
    let any = false;
    for (const el of live) {
      if (concerns(el, event)) {
        pending.add(el);
        any = true;
      }
    }
    if (any) refresh();
  }

  async function refresh() {
    if (running) return;
    running = true;
    try {
      while (pending.size > 0) {
        const el = pending.values().next().value;
        pending.delete(el);
        const response = await fetch(el.dataset.live, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
          cache: "no-store",
        });
        if (response.status === 401) {
          // The session ended: the page reloads into the sign-in page.
          window.location.reload();
          return;
        }
        if (response.ok) {
          el.innerHTML = await response.text();
          el.dataset.updated = String(Date.now());
          announce(el);
        }
      }
    } catch (e) {
      // The server is unreachable for now; the stream's reconnection brings the next refresh.
    } finally {
      running = false;
    }
  }

  // Tells screen readers what a live update changed, when the part says (`data-announce`).
  const status = document.getElementById("live-status");
  function announce(el) {
    const summary = el.querySelector("[data-announce]");
    if (status && summary && status.textContent !== summary.dataset.announce) {
      status.textContent = summary.dataset.announce;
    }
  }

  function refreshAll() {
    for (const el of live) pending.add(el);
    refresh();
  }

  if (live.length > 0 && "EventSource" in window) {
    const events = new EventSource("/_ramp/ui/events");
    let connectedBefore = false;
    events.addEventListener("open", function () {
      // After a reconnection, events may have been missed.
      if (connectedBefore) refreshAll();
      connectedBefore = true;
      document.body.dataset.live = "connected";
    });
    events.addEventListener("message", heard);
    events.addEventListener("error", function () {
      document.body.dataset.live = "reconnecting";
    });
    window.addEventListener("beforeunload", function () {
      events.close();
    });
  }

  // A refused action's page opens on its error (it sits next to the form that caused it).
  const problem = document.querySelector("main [role=alert]");
  if (problem) {
    problem.setAttribute("tabindex", "-1");
    problem.scrollIntoView({ block: "center" });
    problem.focus({ preventScroll: true });
  }

  // The start form suggests the chosen profile's newest version.
  const profile = document.getElementById("start-profile");
  const version = document.getElementById("start-version");
  if (profile && version) {
    profile.addEventListener("change", function () {
      const option = profile.options[profile.selectedIndex];
      if (option && option.dataset.latest) version.value = option.dataset.latest;
    });
  }
})();
