/*
 * The offline host's side of the Custom UI bridge, loaded into every app page before the app.
 *
 * `@forge/bridge` looks for `globalThis.__bridge.callBridge(name, payload)` when its modules load
 * and sends every call through it. On Forge the product frame answers; here this script does,
 * talking to the host over HTTP (`invoke`) and to the shell page around the frame (flags,
 * navigation, history) with `postMessage`. The page's own settings come from the JSON block
 * `#forge-local-bridge-config` the host writes into the page.
 *
 * Plain browser JavaScript on purpose: it runs as the host serves it, untranspiled.
 */
(function () {
  'use strict';

  var configElement = document.getElementById('forge-local-bridge-config');
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent || '{}');
  var shell = window.parent !== window ? window.parent : null;
  var origin = window.location.origin;

  function toShell(message) {
    if (!shell) return;
    message.source = 'forge-local-bridge';
    message.frameId = config.frameId;
    shell.postMessage(message, origin);
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function bridgeError(message) {
    var error = new Error(message);
    error.name = 'BridgeAPIError';
    return error;
  }

  // --- invoke: the resolver runs in the host, as the user the shell chose (a cookie the host trusts).

  function invoke(request) {
    var body = {
      resourceKey: config.resourceKey,
      functionKey: request.functionKey,
      payload: request.payload === undefined ? {} : request.payload,
    };
    if (config.route) body.pageRoute = config.route;
    if (config.projectKey) body.projectKey = config.projectKey;
    return fetch('/_bridge/invoke', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
        if (!response.ok || !data || !('body' in data)) {
          var detail = data && data.error && data.error.message ? data.error.message : 'HTTP ' + response.status;
          throw new Error('There was an error invoking the function - ' + detail);
        }
        // With metadata requested, Forge answers { body, metadata }; otherwise the body itself.
        return request.metadata ? { body: data.body, metadata: {} } : data.body;
      });
    });
  }

  // --- history: the part of the product URL after the page's own address (the subpage route).

  var historyListeners = [];
  var keySequence = 0;

  function toLocation(to, state, base) {
    var location = { pathname: '/', search: '', hash: '', state: state === undefined ? null : state, key: 'k' + ++keySequence };
    var current = base || history.location.pathname;
    if (typeof to === 'string') {
      var url = new URL(to, 'http://route.invalid' + current);
      location.pathname = url.pathname;
      location.search = url.search;
      location.hash = url.hash;
    } else if (to && typeof to === 'object') {
      location.pathname = to.pathname || current;
      location.search = to.search || '';
      location.hash = to.hash || '';
      if (to.state !== undefined) location.state = to.state;
    }
    return location;
  }

  function setLocation(location, action, fromShell) {
    history.location = location;
    history.action = action;
    config.route = location.pathname.replace(/^\/+/, '');
    if (!fromShell) toShell({ type: 'history', action: action, pathname: location.pathname, search: location.search, hash: location.hash });
    historyListeners.slice().forEach(function (listener) {
      listener(location, action);
    });
  }

  var history = {
    length: 1,
    action: 'POP',
    location: toLocation(config.initialPath || '/', null, '/'),
    push: function (to, state) {
      history.length += 1;
      setLocation(toLocation(to, state), 'PUSH', false);
    },
    replace: function (to, state) {
      setLocation(toLocation(to, state), 'REPLACE', false);
    },
    go: function (delta) {
      toShell({ type: 'history-go', delta: delta });
    },
    goBack: function () {
      history.go(-1);
    },
    goForward: function () {
      history.go(1);
    },
    back: function () {
      history.go(-1);
    },
    forward: function () {
      history.go(1);
    },
    block: function () {
      return function () {};
    },
    listen: function (listener) {
      historyListeners.push(listener);
      return function () {
        historyListeners = historyListeners.filter(function (l) {
          return l !== listener;
        });
      };
    },
    createHref: function (location) {
      if (typeof location === 'string') return location;
      return (location.pathname || '') + (location.search || '') + (location.hash || '');
    },
  };

  // --- theme: Atlassian design tokens for the colour mode chosen in the shell.

  var themePromise = null;
  function enableTheming() {
    if (themePromise) return themePromise;
    themePromise = new Promise(function (resolve) {
      var root = document.documentElement;
      Object.keys(config.theme.htmlAttrs).forEach(function (name) {
        root.setAttribute(name, config.theme.htmlAttrs[name]);
      });
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = config.theme.cssUrl;
      link.setAttribute('data-forge-local-theme', '');
      link.onload = function () {
        resolve();
      };
      link.onerror = function () {
        resolve();
      };
      document.head.appendChild(link);
    });
    return themePromise;
  }

  // --- flags: shown by the shell, like Jira shows them; action callbacks stay in this frame.

  var flagActions = {};
  function showFlag(options) {
    var actions = Array.isArray(options.actions) ? options.actions : [];
    flagActions[String(options.id)] = actions;
    toShell({
      type: 'showFlag',
      flag: {
        id: String(options.id),
        title: options.title || '',
        description: options.description || '',
        type: options.appearance || options.type || 'info',
        isBold: Boolean(options.appearance),
        isAutoDismiss: Boolean(options.isAutoDismiss),
        actions: actions.map(function (action) {
          return String(action.text);
        }),
      },
    });
    return true;
  }

  // --- events between the app's own frames (one frame here).

  var eventListeners = {};
  function on(payload) {
    var list = (eventListeners[payload.event] = eventListeners[payload.event] || []);
    list.push(payload.callback);
    return {
      unsubscribe: function () {
        eventListeners[payload.event] = (eventListeners[payload.event] || []).filter(function (c) {
          return c !== payload.callback;
        });
      },
    };
  }
  function emit(payload) {
    (eventListeners[payload.event] || []).slice().forEach(function (callback) {
      callback(payload.payload);
    });
  }

  // --- navigation: the shell moves between pages; links to Jira pages it does not have are shown as such.

  function urlFor(location) {
    if (typeof location === 'string') return new URL(location, config.context.siteUrl).toString();
    var site = config.context.siteUrl.replace(/\/$/, '');
    switch (location.target) {
      case 'module':
        return origin + '/?module=' + encodeURIComponent(location.moduleKey || '') + (location.projectKey ? '&project=' + encodeURIComponent(location.projectKey) : '');
      case 'issue':
        return site + '/browse/' + encodeURIComponent(location.issueKey || '');
      case 'projectSettingsDetails':
        return site + '/plugins/servlet/project-config/' + encodeURIComponent(location.projectKey || '') + '/summary';
      case 'userProfile':
        return site + '/jira/people/' + encodeURIComponent(location.accountId || '');
      case 'dashboard':
        return site + '/jira/dashboards/' + encodeURIComponent(location.dashboardId || '');
      default:
        throw bridgeError('The offline host cannot build a URL for the target ' + location.target);
    }
  }

  var handlers = {
    invoke: invoke,
    getContext: function () {
      return clone(config.context);
    },
    enableTheming: enableTheming,
    createHistory: function () {
      return history;
    },
    showFlag: showFlag,
    closeFlag: function (payload) {
      delete flagActions[String(payload.id)];
      toShell({ type: 'closeFlag', id: String(payload.id) });
      return true;
    },
    navigate: function (payload) {
      toShell({ type: 'navigate', url: urlFor(payload.url !== undefined ? payload.url : payload), newTab: payload.type === 'new-tab' });
    },
    getUrl: function (location) {
      return urlFor(location);
    },
    reload: function () {
      toShell({ type: 'reload' });
    },
    refresh: function () {
      toShell({ type: 'reload' });
      return true;
    },
    changeWindowTitle: function (title) {
      toShell({ type: 'title', title: String(title) });
    },
    // Full pages cannot be closed or submitted, as on Forge (these are for modals and macros).
    close: function () {
      return false;
    },
    submit: function () {
      return false;
    },
    onClose: function () {
      return false;
    },
    open: function () {
      return false;
    },
    emitReadyEvent: function () {
      return undefined;
    },
    getFrameId: function () {
      return config.frameId;
    },
    on: on,
    onPublic: on,
    emit: emit,
    emitPublic: emit,
    getCookieConsentPreferences: function () {
      return null;
    },
    isRovoEnabled: function () {
      return false;
    },
    emitFrontendCustomMetric: function () {
      return undefined;
    },
  };

  // Messages from the shell: a subpage chosen in its sidebar, a flag action clicked.
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== shell) return;
    var message = event.data;
    if (!message || message.source !== 'forge-local-shell') return;
    if (message.type === 'route') {
      setLocation(toLocation(message.pathname), 'PUSH', true);
    } else if (message.type === 'flagAction') {
      var actions = flagActions[String(message.id)] || [];
      var action = actions[message.index];
      if (action && typeof action.onClick === 'function') action.onClick();
    } else if (message.type === 'flagClosed') {
      delete flagActions[String(message.id)];
    }
  });

  globalThis.__bridge = {
    callBridge: function (name, payload) {
      var handler = handlers[name];
      if (!handler) return Promise.reject(bridgeError('The offline Forge host does not support the bridge call "' + name + '".'));
      try {
        return Promise.resolve(handler(payload));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
})();
