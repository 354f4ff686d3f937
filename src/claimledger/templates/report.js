/* claimledger report: map, timeline, filters and a virtualised incident list over the embedded ledger.
   Data is only ever written into the page with textContent / DOM properties, never as HTML. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('ledger-data').textContent);
  var COLORS = {corroborated: '#2e7d32', partially_corroborated: '#9ccc65', alleged: '#fb8c00',
    insufficient_evidence: '#9e9e9e', disputed: '#8e24aa', refuted: '#c62828'};
  var ROW = 44;
  var incs = D.incidents, algs = D.allegations, stmts = D.statements, docs = D.documents;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function label(s) { return String(s || '').replace(/_/g, ' '); }
  function color(st) { return COLORS[st] || '#607d8b'; }

  // day number (days since 1970-01-01) of a YYYY, YYYY-MM or YYYY-MM-DD date; NaN when absent
  function dayOf(d) {
    if (!d) return NaN;
    var p = d.split('-');
    return Date.UTC(+p[0], p.length > 1 ? +p[1] - 1 : 0, p.length > 2 ? +p[2] : 1) / 864e5;
  }
  function isoOf(day) { return new Date(day * 864e5).toISOString().slice(0, 10); }

  // per-incident look-ups used by the filters
  var actorsOf = [], weaponsOf = [], days = new Float64Array(incs.length);
  var actorCount = {}, weaponCount = {}, actCount = {};
  function bump(m, k) { m[k] = (m[k] || 0) + 1; }
  incs.forEach(function (inc, i) {
    var actors = {}, weapons = {};
    inc.a.forEach(function (ai) {
      var a = algs[ai];
      if (a.perp && !a.den) actors[a.perp] = 1;
      a.w.forEach(function (w) { weapons[w] = 1; });
    });
    actorsOf[i] = Object.keys(actors); weaponsOf[i] = Object.keys(weapons);
    actorsOf[i].forEach(function (k) { bump(actorCount, k); });
    weaponsOf[i].forEach(function (k) { bump(weaponCount, k); });
    inc.acts.forEach(function (k) { bump(actCount, k); });
    days[i] = dayOf(inc.d);
  });

  // ---- filters ------------------------------------------------------------------------------------
  var state = {status: {}, actor: '', weapon: '', act: '', from: NaN, to: NaN, selected: -1};
  D.statuses.forEach(function (s) { state.status[s] = true; });
  var statusCount = {};
  incs.forEach(function (inc) { bump(statusCount, inc.st); });
  var fs = document.getElementById('status-filter');
  D.statuses.forEach(function (s) {
    var lab = el('label'), box = el('input'), dot = el('span', 'dot');
    box.type = 'checkbox'; box.checked = true; box.value = s;
    dot.style.background = color(s);
    box.addEventListener('change', function () { state.status[s] = box.checked; apply(); });
    lab.appendChild(box); lab.appendChild(dot);
    lab.appendChild(document.createTextNode(label(s) + ' (' + (statusCount[s] || 0) + ')'));
    fs.appendChild(lab);
  });
  function fillSelect(id, counts, key, fmt) {
    var sel = document.getElementById(id);
    Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })
      .slice(0, 2000).forEach(function (k) {
        var o = el('option', null, (fmt ? fmt(k) : k) + ' (' + counts[k] + ')');
        o.value = k; sel.appendChild(o);
      });
    sel.addEventListener('change', function () { state[key] = sel.value; apply(); });
  }
  fillSelect('actor-filter', actorCount, 'actor');
  fillSelect('weapon-filter', weaponCount, 'weapon');
  fillSelect('act-filter', actCount, 'act', label);
  document.getElementById('date-clear').addEventListener('click', function () {
    state.from = state.to = NaN; apply();
  });

  var shown = [];
  function passes(i) {
    var inc = incs[i];
    if (!state.status[inc.st] && D.statuses.indexOf(inc.st) >= 0) return false;
    if (state.actor && actorsOf[i].indexOf(state.actor) < 0) return false;
    if (state.weapon && weaponsOf[i].indexOf(state.weapon) < 0) return false;
    if (state.act && inc.acts.indexOf(state.act) < 0) return false;
    if (!isNaN(state.from) && !(days[i] >= state.from && days[i] < state.to)) return false;
    return true;
  }

  // ---- map ----------------------------------------------------------------------------------------
  var map = L.map('map', {preferCanvas: true, worldCopyJump: true, minZoom: 2, maxZoom: 13});  // fewer zoom levels: less clustering work
  map.attributionControl.setPrefix('Leaflet');
  // no tiles (no network): inlined Natural Earth country outlines, in SVG in a pane under the markers
  var basemap = JSON.parse(document.getElementById('basemap-data').textContent);
  if (basemap) {
    map.createPane('basemap').style.zIndex = 200;
    var svg = L.svg({pane: 'basemap'});
    // a copy either side: at low zoom the view reaches past ±180° even after worldCopyJump
    [-360, 0, 360].forEach(function (shift) {
      L.geoJSON(basemap, {pane: 'basemap', renderer: svg, interactive: false,
        style: {color: '#a9b3ba', weight: 0.8, fillColor: '#e1e4e6', fillOpacity: 1},
        coordsToLatLng: function (c) { return L.latLng(c[1], c[0] + shift); }}).addTo(map);
    });
    map.attributionControl.addAttribution('Natural Earth (public domain)');
  }

  var cluster = L.markerClusterGroup({
    chunkedLoading: true, animate: false, showCoverageOnHover: false, maxClusterRadius: 50,
    // called just before the last chunk's clusters are drawn (and once, empty, when added to the map):
    // flag ready once ours are drawn
    chunkProgress: function (done, total) {
      if (loading && done >= total) { loading = false; setTimeout(function () { requestAnimationFrame(ready); }, 0); }
    },
    iconCreateFunction: function (c) {
      var counts = {}, kids = c.getAllChildMarkers(), n = kids.length;
      for (var k = 0; k < n; k++) bump(counts, incs[kids[k].incIdx].st);
      // a pie of the statuses inside the cluster
      var stops = [], at = 0;
      D.statuses.concat(Object.keys(counts).filter(function (s) { return D.statuses.indexOf(s) < 0; }))
        .forEach(function (s) {
          if (!counts[s]) return;
          var next = at + counts[s] / n * 100;
          stops.push(color(s) + ' ' + at.toFixed(2) + '% ' + next.toFixed(2) + '%'); at = next;
        });
      var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 50;
      var div = el('div', 'cl-cluster'), span = el('span', null, n);
      div.style.width = div.style.height = size + 'px';
      div.style.background = 'conic-gradient(' + stops.join(',') + ')';
      div.appendChild(span);
      return L.divIcon({html: div, className: '', iconSize: L.point(size, size)});
    }
  });
  cluster.addTo(map);
  var markers = new Array(incs.length), minLat = 90, maxLat = -90, minLon = 180, maxLon = -180;
  incs.forEach(function (inc, i) {
    if (typeof inc.lat !== 'number' || typeof inc.lon !== 'number') return;
    var m = L.circleMarker([inc.lat, inc.lon], {radius: 7, weight: 1, color: '#222', fillColor: color(inc.st),
      fillOpacity: 0.9});
    m.incIdx = i;
    m.on('click', function () { select(i, true); });
    markers[i] = m;
    minLat = Math.min(minLat, inc.lat); maxLat = Math.max(maxLat, inc.lat);
    minLon = Math.min(minLon, inc.lon); maxLon = Math.max(maxLon, inc.lon);
  });
  if (minLat <= maxLat) map.fitBounds([[minLat, minLon], [maxLat, maxLon]], {padding: [30, 30], maxZoom: 7});
  else map.setView([20, 0], 2);

  // ---- timeline -----------------------------------------------------------------------------------
  var canvas = document.getElementById('timeline-canvas'), tl = {bins: [], x0: 0, w: 1};
  var minDay = Infinity, maxDay = -Infinity;
  for (var i = 0; i < days.length; i++) if (!isNaN(days[i])) { minDay = Math.min(minDay, days[i]); maxDay = Math.max(maxDay, days[i]); }
  function drawTimeline() {
    var w = canvas.clientWidth || 600, h = canvas.clientHeight || 110, ratio = window.devicePixelRatio || 1;
    canvas.width = w * ratio; canvas.height = h * ratio;
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#555'; ctx.font = '11px sans-serif';
    if (!isFinite(minDay)) { ctx.fillText('No dated incidents.', 4, 20); tl.bins = []; return; }
    var span = maxDay - minDay + 1, nbins = Math.max(1, Math.min(span, Math.floor((w - 8) / 4)));
    var per = Math.ceil(span / nbins); nbins = Math.ceil(span / per);
    var bins = [], top = 1;
    for (var b = 0; b < nbins; b++) bins.push({from: minDay + b * per, to: minDay + (b + 1) * per, n: 0, by: {}});
    shown.forEach(function (k) {
      if (isNaN(days[k])) return;
      var bin = bins[Math.floor((days[k] - minDay) / per)];
      bin.n++; bump(bin.by, incs[k].st);
    });
    bins.forEach(function (bin) { top = Math.max(top, bin.n); });
    var bw = (w - 8) / nbins, base = h - 16;
    bins.forEach(function (bin, b) {
      var y = base, x = 4 + b * bw;
      D.statuses.forEach(function (s) {
        var c = bin.by[s]; if (!c) return;
        var bh = c / top * (base - 4);
        ctx.fillStyle = color(s); ctx.fillRect(x, y - bh, Math.max(1, bw - 1), bh); y -= bh;
      });
      if (!isNaN(state.from) && bin.from >= state.from && bin.to <= state.to) {
        ctx.strokeStyle = '#000'; ctx.strokeRect(x, 2, Math.max(1, bw - 1), base - 2);
      }
    });
    ctx.fillStyle = '#555';
    ctx.fillText(isoOf(minDay), 4, h - 3);
    var end = isoOf(maxDay); ctx.fillText(end, w - 4 - ctx.measureText(end).width, h - 3);
    ctx.fillText('max ' + top + ' per ' + (per === 1 ? 'day' : per + ' days'), w / 2 - 40, h - 3);
    tl.bins = bins; tl.x0 = 4; tl.w = bw;
  }
  function binAt(ev) {
    var r = canvas.getBoundingClientRect();
    return tl.bins[Math.floor((ev.clientX - r.left - tl.x0) / tl.w)];
  }
  var tlLabel = document.getElementById('timeline-label');
  canvas.addEventListener('mousemove', function (ev) {
    var bin = binAt(ev);
    tlLabel.textContent = bin ? isoOf(bin.from) + (bin.to - bin.from > 1 ? ' to ' + isoOf(bin.to - 1) : '') +
      ': ' + bin.n + ' incident' + (bin.n === 1 ? '' : 's') : '';
  });
  canvas.addEventListener('click', function (ev) {
    var bin = binAt(ev); if (!bin) return;
    state.from = bin.from; state.to = bin.to; apply();
  });
  window.addEventListener('resize', function () { drawTimeline(); renderRows(); });

  // ---- virtualised list: only the rows in view exist in the DOM -------------------------------------
  var list = document.getElementById('list'), spacer = document.getElementById('list-spacer');
  var pool = [];
  function renderRows() {
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 3);
    var count = Math.ceil((list.clientHeight || 600) / ROW) + 6;
    var k = 0;
    for (var r = first; r < Math.min(shown.length, first + count); r++, k++) {
      var row = pool[k];
      if (!row) {
        row = el('div', 'row'); row.setAttribute('role', 'option');
        row.appendChild(el('span', 'dot')); row.appendChild(el('b')); row.appendChild(el('span'));
        row.appendChild(el('div', 'sub'));
        row.addEventListener('click', function () { select(+this.dataset.idx, false); });
        spacer.appendChild(row); pool.push(row);
      }
      var idx = shown[r], inc = incs[idx];
      row.style.display = ''; row.style.top = (r * ROW) + 'px'; row.dataset.idx = idx;
      row.className = 'row' + (idx === state.selected ? ' selected' : '');
      row.childNodes[0].style.background = color(inc.st);
      row.childNodes[1].textContent = inc.d || 'undated';
      row.childNodes[2].textContent = ' ' + (inc.p || 'unplaced') + ' · ' + label(inc.st);
      row.childNodes[3].textContent = inc.acts.map(label).join(', ') + (actorsOf[idx].length ? ' — ' + actorsOf[idx].join(', ') : '');
    }
    for (; k < pool.length; k++) pool[k].style.display = 'none';
  }
  list.addEventListener('scroll', renderRows, {passive: true});

  // ---- detail -------------------------------------------------------------------------------------
  var detail = document.getElementById('detail');
  // the sentence(s) around a span, with the span itself marked
  function sourceBlock(span, cls) {
    var box = el('div', 'source');
    if (!span) return box;
    if (span[0] < 0) { box.appendChild(el('mark', cls, span[3])); return box; }
    var text = docs[span[0]].text, s = span[1], e = span[2];
    var from = s, to = e;
    while (from > 0 && s - from < 400 && !/[.!?\n]/.test(text[from - 1])) from--;
    while (to < text.length && to - e < 400 && !/[.!?\n]/.test(text[to])) to++;
    if (to < text.length && text[to] !== '\n') to++;
    box.appendChild(document.createTextNode((from > 0 && text[from - 1] !== '\n' ? '… ' : '') + text.slice(from, s).replace(/^\s+/, '')));
    box.appendChild(el('mark', cls, text.slice(s, e)));
    box.appendChild(document.createTextNode(text.slice(e, to)));
    return box;
  }
  function docMeta(span) {
    var p = el('div', 'meta');
    if (!span || span[0] < 0) return p;
    var d = docs[span[0]];
    p.appendChild(document.createTextNode([d.outlet, d.published].filter(Boolean).join(', ') + (d.title ? ' — ' : '')));
    if (/^https?:\/\//i.test(d.url)) {
      var a = el('a', null, d.title || d.url); a.href = d.url; a.rel = 'noopener noreferrer'; a.target = '_blank';
      p.appendChild(a);
    } else p.appendChild(document.createTextNode(d.title));
    p.appendChild(document.createTextNode(' · characters ' + span[1] + '–' + span[2]));
    return p;
  }
  function badge(st) { var b = el('span', 'badge', label(st)); b.style.background = color(st); return b; }
  function field(parent, name, value) {
    if (value === undefined || value === null || value === '' || (value.length === 0)) return;
    var p = el('div'); p.appendChild(el('b', null, name + ': '));
    p.appendChild(document.createTextNode(Array.isArray(value) ? value.join(', ') : value));
    parent.appendChild(p);
  }
  function showDetail(i) {
    var inc = incs[i];
    detail.textContent = '';
    var h = el('h2', null, (inc.id || 'incident') + ' '); h.appendChild(badge(inc.st)); detail.appendChild(h);
    field(detail, 'Date', inc.d || 'unknown');
    field(detail, 'Place', (inc.p || 'unknown') + (typeof inc.lat === 'number' ? ' (' + inc.lat.toFixed(4) + ', ' + inc.lon.toFixed(4) + ')' : ''));
    field(detail, 'Acts', inc.acts.map(label));
    field(detail, 'Status rationale', inc.r);
    if (inc.why.length) {
      var ul = el('ul'); inc.why.forEach(function (w) { ul.appendChild(el('li', null, w)); });
      detail.appendChild(el('h3', null, 'Reasoning')); detail.appendChild(ul);
    }
    if (inc.ev.length) {
      detail.appendChild(el('h3', null, 'Evidence (SHA-256)'));
      inc.ev.forEach(function (e) { detail.appendChild(el('div', 'hash', e[0] + (e[1] ? '  ' + e[1] : ''))); });
    }
    // counter-claims (the accused party's own account, denials) are listed apart, after the accusations:
    // their assessments are about that account and do not set the incident's status
    var counters = inc.cc || [];
    var accusations = inc.a.filter(function (ai) { return counters.indexOf(ai) < 0; });
    detail.appendChild(el('h3', null, 'Allegations (' + accusations.length + ')'));
    accusations.concat(counters).forEach(function (ai, n) {
      var a = algs[ai], box = el('section', 'allegation'), counter = counters.indexOf(ai) >= 0;
      if (counter && n === accusations.length) {
        detail.appendChild(el('h3', null, 'Counter-claims (' + counters.length + ')'));
        detail.appendChild(el('p', 'meta', 'The accused party\u2019s own account. Its assessments concern that account, not the incident\u2019s status.'));
      }
      box.appendChild(el('b', null, (a.id ? a.id + ': ' : '') + label(a.act) + (a.den ? ' (denied)' : '') + (counter ? ' (counter-claim)' : '')));
      field(box, 'Perpetrator', a.perp || 'not named');
      field(box, 'Weapons', a.w); field(box, 'Targets', a.t); field(box, 'Places', a.pl); field(box, 'Date', a.d);
      var k = a.k;
      if (k[0] !== null || k[1] !== null) field(box, 'Killed', k[0] === k[1] || k[1] === null ? k[0] : (k[0] === null ? '≤' + k[1] : k[0] + '–' + k[1]));
      if (k[2] !== null || k[3] !== null) field(box, 'Injured', k[2] === k[3] || k[3] === null ? k[2] : (k[2] === null ? '≤' + k[3] : k[2] + '–' + k[3]));
      a.s.forEach(function (si) {
        var s = stmts[si];
        box.appendChild(el('div', 'meta', (s[1] || 'unknown speaker') + (s[2] ? ' (' + s[2] + ')' : '') + (s[4] ? ', ' + s[4] : '')));
        box.appendChild(sourceBlock(s[0]));
        box.appendChild(docMeta(s[0]));
      });
      a.v.forEach(function (v) {
        var p = el('div'); p.appendChild(el('b', null, (counter ? 'This account assessed by ' : 'Assessed by ') + v[0] + ': ')); p.appendChild(badge(v[1]));
        box.appendChild(p);
        field(box, 'Weapon identified', v[2]);
        if (v[3]) { box.appendChild(sourceBlock(v[3], 'basis')); box.appendChild(docMeta(v[3])); }
        v[4].forEach(function (si) { if (!v[3]) { box.appendChild(sourceBlock(stmts[si][0], 'basis')); box.appendChild(docMeta(stmts[si][0])); } });
      });
      detail.appendChild(box);
    });
  }
  var lastMarker = null;
  function select(i, fromMap) {
    state.selected = i;
    showDetail(i);
    var r = shown.indexOf(i);
    if (r >= 0 && !fromMap) { /* clicked in the list: keep its scroll */ }
    else if (r >= 0) list.scrollTop = Math.max(0, r * ROW - list.clientHeight / 2);
    renderRows();
    if (lastMarker) lastMarker.setStyle({weight: 1});
    var m = lastMarker = markers[i];
    if (m) m.setStyle({weight: 3});
    if (m && !fromMap) {
      // zoom in just far enough for the marker to leave its cluster (zoomToShowLayer expects icon markers)
      var z = m.__parent && typeof m.__parent._zoom === 'number' ? m.__parent._zoom + 1 : map.getZoom();
      map.setView(m.getLatLng(), Math.min(map.getMaxZoom(), Math.max(map.getZoom(), z)));
    }
    document.body.dataset.selected = incs[i].id || '';
  }

  // ---- apply filters everywhere -------------------------------------------------------------------
  var isReady = false, loading = false, onMap = new Uint8Array(incs.length);
  function ready() {
    if (isReady) return;
    isReady = true; window.reportReady = true; document.body.dataset.ready = '1';
  }
  function apply() {
    shown = [];
    for (var k = 0; k < incs.length; k++) if (passes(k)) shown.push(k);
    // newest first; undated last
    shown.sort(function (a, b) { return (isNaN(days[b]) ? -Infinity : days[b]) - (isNaN(days[a]) ? -Infinity : days[a]) || a - b; });
    // move only the markers whose visibility changed: re-clustering 100k markers takes seconds
    var want = new Uint8Array(incs.length), add = [], remove = [], withCoords = 0;
    shown.forEach(function (k) { want[k] = 1; });
    for (k = 0; k < incs.length; k++) {
      if (!markers[k]) continue;
      if (want[k]) withCoords++;
      if (want[k] && !onMap[k]) add.push(markers[k]); else if (!want[k] && onMap[k]) remove.push(markers[k]);
      onMap[k] = want[k];
    }
    if (remove.length) cluster.removeLayers(remove);
    spacer.style.height = (shown.length * ROW) + 'px';
    document.getElementById('shown').textContent = shown.length + ' of ' + incs.length + ' incidents shown' +
      (withCoords < shown.length ? ' (' + (shown.length - withCoords) + ' without coordinates)' : '');
    var df = document.getElementById('date-filter');
    df.hidden = isNaN(state.from);
    if (!df.hidden) document.getElementById('date-filter-label').textContent = 'Dates ' + isoOf(state.from) + ' to ' + isoOf(state.to - 1);
    renderRows();
    drawTimeline();
    if (add.length) { loading = true; cluster.addLayers(add, true); } else ready();
  }
  document.getElementById('summary').textContent = incs.length + ' incidents · ' + algs.length + ' allegations · ' +
    stmts.length + ' statements · ' + docs.length + ' documents';
  apply();
  document.body.dataset.interactive = '1';  // list, timeline and the first map chunk are up
  window.claimledgerReport = {select: select, shownCount: function () { return shown.length; },
    markerCount: function () { return cluster.getLayers().length; }, timelineBins: function () { return tl.bins.length; }};
})();
