// Starts the playground from a file rather than an inline script, so the page's Content Security
// Policy needs neither 'unsafe-inline' nor a hash. Trunk writes the hashed names of the app's
// JS and wasm files into <meta name="codex-policy-app"> (see `pattern_script` in Trunk.toml).
(function () {
  'use strict';
  var root = document.documentElement;

  // Apply a chosen theme before the first paint; without one, CSS follows the system setting.
  try {
    var theme = localStorage.getItem('codex-policy-playground/v1/theme');
    if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
  } catch (e) {
    // Storage disabled: follow the system setting.
  }

  function fail(error) {
    var app = document.getElementById('app');
    if (app) {
      var note = document.createElement('p');
      note.className = 'boot boot-error';
      note.setAttribute('role', 'alert');
      note.textContent = 'The playground could not start: ' + ((error && error.message) || String(error));
      app.replaceChildren(note);
    }
    root.setAttribute('data-app', 'failed');
    console.error(error);
  }

  function start() {
    var entry = document.querySelector('meta[name="codex-policy-app"]');
    if (!entry) {
      fail(new Error('the page does not name its application files'));
      return;
    }
    import(entry.getAttribute('data-js'))
      .then(function (bindings) {
        return bindings['default']({ module_or_path: entry.getAttribute('data-wasm') });
      })
      .then(function () {
        root.setAttribute('data-app', 'started');
        // The app renders its first evaluated result while starting: this is when the page is
        // interactive (read by the end-to-end tests' timing).
        root.setAttribute('data-ready-ms', String(Math.round(performance.now())));
      })
      .catch(fail);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
