namespace Fashn.Client.ContactSheet
{
    /// <summary>
    /// The page's own style and script, inlined so that it needs no other file, font or network. The page's
    /// Content-Security-Policy allows exactly these two (by hash), so no text put into the page can ever run.
    /// </summary>
    internal static class PageAssets
    {
        internal const string Style = """

            :root { color-scheme: light; --line: #d8dce3; --muted: #5b6472; --ok: #1c7c3c; --bad: #b3261e; --wait: #8a5a00; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; background: #f5f6f8; }
            header { padding: 20px 28px 12px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
            h1 { margin: 0 0 4px; font-size: 22px; }
            .summary { margin: 0; font-size: 16px; }
            .summary b { font-variant-numeric: tabular-nums; }
            .written { margin: 2px 0 10px; color: var(--muted); font-size: 13px; }
            .filter button { font: inherit; padding: 4px 14px; margin: 0 6px 0 0; border: 1px solid var(--line); border-radius: 16px; background: #fff; cursor: pointer; }
            .filter button[aria-pressed="true"] { background: #1d2330; border-color: #1d2330; color: #fff; }
            main { padding: 16px 28px 40px; display: grid; gap: 14px; }
            .entry { display: grid; grid-template-columns: auto 1fr; gap: 18px; padding: 14px; background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; }
            .entry[data-status="failed"] { border-left-color: var(--bad); }
            .entry[data-status="unfinished"] { border-left-color: var(--wait); }
            .entry[hidden] { display: none; }
            .images { display: flex; gap: 10px; align-items: flex-start; }
            figure { margin: 0; width: 240px; }
            figure img { display: block; max-width: 240px; max-height: 240px; border-radius: 3px; background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
            figure a { display: inline-block; }
            figcaption { color: var(--muted); font-size: 13px; margin-top: 3px; }
            .none { width: 240px; min-height: 120px; display: flex; align-items: center; justify-content: center; text-align: center; padding: 12px;
                    border: 1px dashed var(--line); border-radius: 3px; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
            figure.missing img { display: none; }
            figure.missing figcaption { color: var(--bad); }
            h2 { margin: 0 0 6px; font-size: 16px; overflow-wrap: anywhere; }
            .status { display: inline-block; margin-left: 6px; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--ok); vertical-align: 2px; }
            .status-failed { background: var(--bad); }
            .status-unfinished { background: var(--wait); }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
            dt { color: var(--muted); }
            dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; unicode-bidi: isolate; }
            dd.error { color: var(--bad); }
            code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            #no-entries { color: var(--muted); }
            @media (max-width: 760px) { .entry { grid-template-columns: 1fr; } figure, .none { width: 46vw; } figure img { max-width: 46vw; } }

            """;

        /// <summary>The status filter (the buttons, and "#status=failed" in the address) and the mark on images that do not load.</summary>
        internal const string Script = """

            (function () {
              'use strict';
              var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-filter]'));
              var entries = Array.prototype.slice.call(document.querySelectorAll('article.entry'));
              var none = document.getElementById('no-entries');
              function known(group) { return buttons.some(function (b) { return b.getAttribute('data-filter') === group; }); }
              function show(group) {
                if (!known(group)) group = 'all';
                var shown = 0;
                entries.forEach(function (entry) {
                  var visible = group === 'all' || entry.getAttribute('data-status') === group;
                  entry.hidden = !visible;
                  if (visible) shown++;
                });
                buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === group)); });
                none.hidden = shown > 0;
              }
              function fromAddress() {
                var match = /status=([a-z]+)/.exec(window.location.hash);
                return match ? match[1] : 'all';
              }
              buttons.forEach(function (b) {
                b.addEventListener('click', function () {
                  var group = b.getAttribute('data-filter');
                  show(group);
                  window.location.hash = 'status=' + group;
                });
              });
              window.addEventListener('hashchange', function () { show(fromAddress()); });
              // An image that does not load (a folder copied without its thumbnails, a file moved) says so instead of vanishing.
              function missing(img) {
                var figure = img.closest('figure');
                if (!figure || figure.classList.contains('missing')) return;
                figure.classList.add('missing');
                figure.querySelector('figcaption').textContent += ' - missing: ' + decodeURIComponent(img.getAttribute('src'));
              }
              Array.prototype.forEach.call(document.images, function (img) {
                if (img.complete && img.naturalWidth === 0) missing(img);
                else img.addEventListener('error', function () { missing(img); });
              });
              show(fromAddress());
            })();

            """;
    }
}
