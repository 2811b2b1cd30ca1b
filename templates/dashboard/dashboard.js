// dockstack's dashboard: follows the daemon's event stream and, when the state changed, fetches
// the page's content again and swaps it in, keeping open plans open and the focus where it was.
(() => {
  'use strict';
  const live = document.getElementById('live');
  const status = document.getElementById('live-status');
  if (live === null || status === null) return;
  const version = () => document.getElementById('content')?.dataset.version;
  let busy = false;
  let wanted = false;

  const show = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
  };

  async function refresh() {
    if (busy) {
      wanted = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch('./?part=content', {
        credentials: 'same-origin',
        headers: { accept: 'text/html' },
      });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      if (!response.ok) return;
      const html = await response.text();
      const open = new Set(
        [...live.querySelectorAll('details[id]')].filter((d) => d.open).map((d) => d.id),
      );
      const closed = new Set(
        [...live.querySelectorAll('details[id]')].filter((d) => !d.open).map((d) => d.id),
      );
      const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const focusedId = focused !== null && live.contains(focused) ? focused.id : '';
      const focusKey = focused?.closest('[data-container],[data-commit],[data-host]');
      const key = focusKey
        ? ['data-container', 'data-commit', 'data-host']
            .map((a) => focusKey.getAttribute(a))
            .join('|')
        : undefined;
      live.innerHTML = html;
      for (const details of live.querySelectorAll('details[id]')) {
        if (open.has(details.id)) details.open = true;
        if (closed.has(details.id)) details.open = false;
      }
      // The swapped-in copy of what had the focus gets it back: by id where it has one (the
      // sections a skip link leads to), else by the row it sits in.
      const again = focusedId === '' ? null : document.getElementById(focusedId);
      if (again !== null) {
        again.focus({ preventScroll: true });
      } else if (key !== undefined) {
        for (const element of live.querySelectorAll('[data-container],[data-commit],[data-host]')) {
          const same = ['data-container', 'data-commit', 'data-host']
            .map((a) => element.getAttribute(a))
            .join('|');
          if (same === key) {
            (element.querySelector('a, summary, [tabindex]') ?? element).focus?.({
              preventScroll: true,
            });
            break;
          }
        }
      }
    } catch {
      // The next event tries again.
    } finally {
      busy = false;
      if (wanted) {
        wanted = false;
        void refresh();
      }
    }
  }

  const events = new EventSource('./api/events', { withCredentials: true });
  events.addEventListener('open', () => show('live', 'live'));
  events.addEventListener('error', () => show('offline', 'reconnecting…'));
  events.addEventListener('state', (event) => {
    show('live', 'live');
    let next;
    try {
      next = JSON.parse(event.data).version;
    } catch {
      return;
    }
    if (String(next) !== version()) void refresh();
  });
})();
