/*
 * The shell page's script: the product's side of the bridge for the app frame (flags, navigation,
 * subpage history, page title) and the developer's switches (user, theme).
 *
 * Plain browser JavaScript on purpose: it runs as the host serves it, untranspiled.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('forge-local-shell-config').textContent || '{}');
  var frame = document.querySelector('[data-testid="app-frame"]');
  var flags = document.getElementById('flags');
  var origin = window.location.origin;
  var baseTitle = document.title;

  function toFrame(message) {
    if (!frame || !frame.contentWindow) return;
    message.source = 'forge-local-shell';
    frame.contentWindow.postMessage(message, origin);
  }

  // --- switches: the host trusts these cookies as the platform trusts its session.

  function setCookie(name, value) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; path=/; SameSite=Strict';
  }
  document.getElementById('user-switcher').addEventListener('change', function (event) {
    setCookie('forge-local-user', event.target.value);
    window.location.reload();
  });
  document.getElementById('theme-switcher').addEventListener('change', function (event) {
    setCookie('forge-local-theme', event.target.value);
    window.location.reload();
  });

  // --- the sidebar's toggle (narrow screens, where the sidebar collapses as Jira's does).

  var navToggle = document.getElementById('nav-toggle');
  var sidebar = document.getElementById('shell-sidebar');
  function setNavOpen(open) {
    document.body.classList.toggle('nav-open', open);
    navToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  navToggle.addEventListener('click', function () {
    var open = !document.body.classList.contains('nav-open');
    setNavOpen(open);
    if (open) {
      var first = sidebar.querySelector('.nav-link[aria-current="page"]') || sidebar.querySelector('.nav-link');
      if (first) first.focus();
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && document.body.classList.contains('nav-open')) {
      setNavOpen(false);
      navToggle.focus();
    }
  });
  sidebar.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('.nav-link')) setNavOpen(false);
  });

  // --- subpages: a click in the sidebar on another subpage of the open page moves the app's
  // history instead of reloading it, as Jira does; the app's own history moves the sidebar.

  function markCurrent(path) {
    // The subpage is the first part of the app's path (`webhooks/<id>` is on `webhooks`).
    var route = String(path || '').split('/')[0];
    document.querySelectorAll('.nav-link[data-route]').forEach(function (link) {
      var url = new URL(link.href);
      var current = url.searchParams.get('module') === config.moduleKey && link.getAttribute('data-route') === route;
      link.classList.toggle('is-current', current);
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    var page = config.pages.filter(function (p) {
      return p.route === route;
    })[0];
    if (page) document.title = document.title.replace(/^[^-]+ - /, page.title + ' - ');
  }

  function shellUrlFor(route) {
    var url = new URL(window.location.href);
    url.searchParams.set('module', config.moduleKey);
    if (route) url.searchParams.set('route', route);
    else url.searchParams.delete('route');
    return url.pathname + url.search;
  }

  document.querySelectorAll('.nav-link[data-route]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var url = new URL(link.href);
      if (url.searchParams.get('module') !== config.moduleKey || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      var route = link.getAttribute('data-route');
      history.pushState({ route: route }, '', shellUrlFor(route));
      markCurrent(route);
      toFrame({ type: 'route', pathname: '/' + route });
    });
  });

  window.addEventListener('popstate', function () {
    var route = new URL(window.location.href).searchParams.get('route') || '';
    markCurrent(route);
    toFrame({ type: 'route', pathname: '/' + route });
  });

  // --- flags, drawn like Atlaskit flags: bottom left, newest on top, dismissable.

  var ICONS = { success: '✓', error: '!', warning: '!', info: 'i' };

  function removeFlag(id) {
    var element = flags.querySelector('[data-flag-id="' + CSS.escape(id) + '"]');
    if (element) element.remove();
  }

  /** Closed by the user or by time: the frame may forget the flag's action callbacks. */
  function closeFlag(id) {
    removeFlag(id);
    toFrame({ type: 'flagClosed', id: id });
  }

  function showFlag(flag) {
    // A flag shown again with the same id replaces the old one.
    removeFlag(flag.id);
    var type = ICONS[flag.type] ? flag.type : 'info';
    var element = document.createElement('div');
    element.className = 'flag flag-' + type + (flag.isBold ? ' flag-bold' : '');
    element.setAttribute('role', type === 'error' || type === 'warning' ? 'alert' : 'status');
    element.setAttribute('data-testid', 'flag');
    element.setAttribute('data-flag-id', flag.id);
    element.setAttribute('data-flag-type', type);

    var icon = document.createElement('span');
    icon.className = 'flag-icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = ICONS[type];
    element.appendChild(icon);

    var body = document.createElement('div');
    body.className = 'flag-body';
    var title = document.createElement('div');
    title.className = 'flag-title';
    title.setAttribute('data-testid', 'flag-title');
    title.textContent = flag.title;
    body.appendChild(title);
    if (flag.description) {
      var description = document.createElement('div');
      description.className = 'flag-description';
      description.setAttribute('data-testid', 'flag-description');
      description.textContent = flag.description;
      body.appendChild(description);
    }
    if (flag.actions.length > 0) {
      var actions = document.createElement('div');
      actions.className = 'flag-actions';
      flag.actions.forEach(function (text, index) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'flag-action';
        button.textContent = text;
        button.addEventListener('click', function () {
          toFrame({ type: 'flagAction', id: flag.id, index: index });
        });
        actions.appendChild(button);
      });
      body.appendChild(actions);
    }
    element.appendChild(body);

    var dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'flag-dismiss';
    dismiss.setAttribute('aria-label', 'Dismiss');
    dismiss.textContent = '×';
    dismiss.addEventListener('click', function () {
      closeFlag(flag.id);
    });
    element.appendChild(dismiss);

    flags.insertBefore(element, flags.firstChild);
    while (flags.children.length > 5) flags.lastChild.remove();
    if (flag.isAutoDismiss) {
      setTimeout(function () {
        if (element.isConnected) closeFlag(flag.id);
      }, 8000);
    }
  }

  // --- messages from the app frame's bridge.

  window.addEventListener('message', function (event) {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    var message = event.data;
    if (!message || message.source !== 'forge-local-bridge') return;
    switch (message.type) {
      case 'showFlag':
        showFlag(message.flag);
        break;
      case 'closeFlag':
        removeFlag(message.id);
        break;
      case 'history': {
        var route = (message.pathname || '/').replace(/^\/+/, '');
        var url = shellUrlFor(route);
        if (message.action === 'REPLACE') history.replaceState({ route: route }, '', url);
        else history.pushState({ route: route }, '', url);
        markCurrent(route);
        break;
      }
      case 'history-go':
        history.go(message.delta);
        break;
      case 'navigate': {
        var target = new URL(message.url, origin);
        if (message.newTab) window.open(target.toString(), '_blank', 'noopener');
        else if (target.origin === origin) window.location.assign(target.toString());
        else showFlag({ id: 'navigate-' + Date.now(), type: 'info', title: 'This page is not part of the offline host', description: target.toString(), actions: [], isAutoDismiss: true });
        break;
      }
      case 'reload':
        frame.contentWindow.location.reload();
        break;
      case 'title':
        document.title = message.title ? message.title + ' - ' + baseTitle : baseTitle;
        break;
      default:
        break;
    }
  });
})();
