// The offline outbox's queue, shared by pages (outbox.js) and the service
// worker (importScripts, for Background Sync). A classic script that works in
// a window and in a worker; it needs idb-keyval's UMD build first (in a
// worker it loads it itself from self.hongxiOutboxIdbKeyvalUrl).
//
// Records wait in IndexedDB in the order they were made and are sent one at a
// time, in that order, by whichever page or worker holds the Web Lock
// "hongxi-outbox". A record leaves the queue on a definitive answer: 2xx, or
// a 4xx other than 408 and 429 (the last refusal is kept to show). A network
// failure, 5xx, 408 or 429 keeps it and ends the run, to be tried later. An
// answer marked "held" by the server (X-Hongxi-Outbox: held: not the signed-in
// person's record, or stopped before its view) keeps that person's records
// and goes on with others'.
(function (root) {
  "use strict";
  if (root.HongxiOutboxCore) return;
  if (!root.idbKeyval && root.importScripts && root.hongxiOutboxIdbKeyvalUrl) {
    root.importScripts(root.hongxiOutboxIdbKeyvalUrl);
  }
  var kv = root.idbKeyval;
  if (!kv) return; // idb-keyval did not load: pages send directly, as before
  var LOCK = "hongxi-outbox";
  var records = kv.createStore("hongxi-outbox", "records");
  var meta = kv.createStore("hongxi-outbox-meta", "meta");
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(LOCK) : null;
  var sequence = 0;
  var localTail = Promise.resolve();
  var listeners = []; // this context's own changes (others hear the channel)

  // Keys sort in the order records were made (idb-keyval lists by key).
  function newKey() {
    sequence += 1;
    return (
      String(Date.now()).padStart(15, "0") + "-" +
      String(sequence).padStart(6, "0") + "-" + Math.random().toString(36).slice(2, 8)
    );
  }

  function withLock(task) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request(LOCK, task);
    }
    // No Web Locks: at least one run at a time in this context.
    var run = localTail.then(task, task);
    localTail = run.catch(function () {});
    return run;
  }

  function notify(detail) {
    var message = { source: LOCK, detail: detail };
    if (channel) channel.postMessage(message);
    if (root.clients && root.clients.matchAll) {
      root.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
        list.forEach(function (client) { client.postMessage(message); });
      });
    }
    listeners.forEach(function (listener) { listener(detail); });
  }

  function list(userKey) {
    return kv.entries(records).then(function (entries) {
      return entries
        .map(function (entry) { return entry[1]; })
        .filter(function (record) { return !userKey || record.userKey === userKey; });
    });
  }

  // Resume state (kind "state") is saved whole each time: a newer one for
  // the same address replaces any still waiting.
  function dropOlderState(record) {
    if (record.kind !== "state") return Promise.resolve();
    return list(record.userKey).then(function (mine) {
      return Promise.all(mine
        .filter(function (old) { return old.kind === "state" && old.url === record.url; })
        .map(function (old) { return kv.del(old.key, records); }));
    });
  }

  function add(record) {
    record.key = newKey();
    record.queuedAt = Date.now();
    record.attempts = 0;
    return dropOlderState(record).then(function () {
      return kv.set(record.key, record, records);
    }).then(function () {
      notify({ queued: record.key });
      return record.key;
    });
  }

  // A page of the same person brings a fresh CSRF token (signing in again
  // rotates it; the service worker cannot read cookies).
  function refreshTokens(userKey, csrf) {
    if (!userKey || !csrf) return Promise.resolve();
    return list(userKey).then(function (mine) {
      var stale = mine.filter(function (record) { return record.csrf !== csrf; });
      return Promise.all(stale.map(function (record) {
        record.csrf = csrf;
        return kv.set(record.key, record, records);
      }));
    });
  }

  function post(record) {
    var headers = { "X-CSRFToken": record.csrf || "", "X-Hongxi-User": record.userKey };
    if (record.contentType) headers["Content-Type"] = record.contentType;
    return root.fetch(record.url, {
      method: record.method || "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: record.body,
    });
  }

  function answerOf(response) {
    var type = response.headers.get("Content-Type") || "";
    var data = type.indexOf("application/json") === 0
      ? response.json().catch(function () { return null; })
      : Promise.resolve(null);
    return data.then(function (value) {
      return { sent: true, status: response.status, data: value, url: response.url };
    });
  }

  function retryLater(status) {
    return status >= 500 || status === 408 || status === 429;
  }

  // options.userKey: send only that person's records (pages); none: all
  // (the service worker, which does not know who is signed in).
  function replay(options) {
    options = options || {};
    return withLock(function () {
      var outcome = { results: {}, sent: 0, stopped: false };
      var held = {};
      return refreshTokens(options.userKey, options.csrf)
        .then(function () { return list(options.userKey); })
        .then(function (queue) {
          var index = 0;
          function step() {
            var record = queue[index++];
            if (!record || outcome.stopped) return null;
            if (held[record.userKey]) return step();
            return post(record).then(
              function (response) { return settle(record, response).then(step); },
              function () {
                outcome.stopped = true;
                return bump(record, null);
              }
            );
          }
          function settle(record, response) {
            if (response.headers.get("X-Hongxi-Outbox") === "held") {
              held[record.userKey] = true;
              return answerOf(response).then(function (answer) { return bump(record, answer); });
            }
            if (retryLater(response.status)) {
              outcome.stopped = true;
              return bump(record, { status: response.status, data: null });
            }
            return answerOf(response).then(function (answer) {
              outcome.results[record.key] = answer;
              outcome.sent += 1;
              return kv.del(record.key, records).then(function () {
                // A refusal on the first try was answered to the page that
                // sent it; one of a record that waited is kept to show.
                if (response.status < 400 || !record.attempts) return null;
                return kv.set("lastError", {
                  userKey: record.userKey,
                  kind: record.kind,
                  status: response.status,
                  error: (answer.data && answer.data.error) || "",
                  at: Date.now(),
                }, meta);
              });
            });
          }
          return step();
        })
        .then(function () { return finish(outcome); });
    });
  }

  function bump(record, answer) {
    record.attempts = (record.attempts || 0) + 1;
    record.lastTriedAt = Date.now();
    if (answer) record.lastAnswer = { status: answer.status, error: (answer.data && answer.data.error) || "" };
    return kv.set(record.key, record, records);
  }

  function finish(outcome) {
    return list(null).then(function (left) {
      outcome.remaining = left.length;
      if (!outcome.sent) return outcome;
      var sentAt = Date.now();
      return kv.set("sentAt", sentAt, meta).then(function () {
        notify({ sent: outcome.sent, sentAt: sentAt });
        return outcome;
      });
    });
  }

  function status(userKey) {
    return Promise.all([list(userKey), kv.get("sentAt", meta), kv.get("lastError", meta)])
      .then(function (values) {
        var error = values[2] && values[2].userKey === userKey ? values[2] : null;
        return { records: values[0], count: values[0].length, sentAt: values[1] || null, lastError: error };
      });
  }

  root.HongxiOutboxCore = {
    add: add,
    list: list,
    replay: replay,
    status: status,
    clearError: function () { return kv.del("lastError", meta); },
    onChange: function (listener) { listeners.push(listener); },
    channel: channel,
  };
  // For the service worker's "sync" event: replay every waiting record. It
  // rejects when the network failed, so that the browser tries again later.
  root.hongxiOutboxReplay = function () {
    return replay({}).then(function (outcome) {
      if (outcome.stopped) throw new Error("hongxi-outbox: records wait for the network");
      return outcome;
    });
  };
})(self);
