/* claimledger report: map, timeline, filters, search and a virtualised incident list over the embedded
   ledger. Data is only ever written into the page with textContent / DOM properties, never as HTML. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('ledger-data').textContent);
  var COLORS = {corroborated: '#2e7d32', partially_corroborated: '#9ccc65', alleged: '#fb8c00',
    insufficient_evidence: '#9e9e9e', disputed: '#8e24aa', refuted: '#c62828'};
  var ROW = 44;
  var incs = D.incidents, algs = D.allegations, stmts = D.statements, docs = D.documents;
  var INDEPENDENT = D.independent_kinds || ['independent', 'independent_verifier'];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function label(s) { return String(s || '').replace(/_/g, ' '); }
  function spanText(span) {
    if (!span) return '';
    return span[0] < 0 ? span[3] || '' : docs[span[0]].text.slice(span[1], span[2]);
  }
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
  var state = {status: {}, actor: '', weapon: '', act: '', q: [], from: NaN, to: NaN, selected: -1};
  D.statuses.forEach(function (s) { state.status[s] = true; });
  var statusCount = {};
  incs.forEach(function (inc) { bump(statusCount, inc.st); });
  var fs = document.getElementById('status-filter');
  D.statuses.forEach(function (s) {
    var lab = el('label'), box = el('input'), dot = el('span', 'dot');
    box.type = 'checkbox'; box.checked = true; box.value = s;
    dot.style.background = color(s);
    box.addEventListener('change', function () { state.status[s] = box.checked; apply(true); });
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
    sel.addEventListener('change', function () { state[key] = sel.value; apply(true); });
  }
  fillSelect('actor-filter', actorCount, 'actor');
  fillSelect('weapon-filter', weaponCount, 'weapon');
  fillSelect('act-filter', actCount, 'act', label);
  document.getElementById('date-clear').addEventListener('click', function () {
    state.from = state.to = NaN; apply(true);
  });
  // search: every word typed must occur in the incident's text (ids, place, acts, actors, weapons,
  // targets, speakers and what they said); the texts are built on the first search only
  var hay = null, searchTimer = 0, searchBox = document.getElementById('search');
  function allegationText(ai) {
    var a = algs[ai], parts = [a.id, label(a.act), a.perp, a.rb || '', a.pl.join(' '), a.w.join(' '), a.t.join(' ')];
    if (a.sp) parts.push(spanText(a.sp));
    a.s.forEach(function (si) { var s = stmts[si]; parts.push(s[1], s[6] || '', spanText(s[0])); });
    a.v.forEach(function (v) { parts.push(v[0], label(v[1])); });
    return parts.join(' ');
  }
  function haystack(i) {
    var inc = incs[i], parts = [inc.id, inc.p, inc.d, inc.st, inc.r].concat(inc.acts.map(label), inc.a.map(allegationText));
    return parts.join(' ').toLowerCase();
  }
  function matches(text) {
    for (var w = 0; w < state.q.length; w++) if (text.indexOf(state.q[w]) < 0) return false;
    return true;
  }
  searchBox.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      state.q = searchBox.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (state.q.length && !hay) { hay = new Array(incs.length); for (var i = 0; i < incs.length; i++) hay[i] = haystack(i); }
      apply(true);
    }, 200);
  });

  var shown = [];
  function passes(i) {
    var inc = incs[i];
    if (!state.status[inc.st] && D.statuses.indexOf(inc.st) >= 0) return false;
    if (state.actor && actorsOf[i].indexOf(state.actor) < 0) return false;
    if (state.weapon && weaponsOf[i].indexOf(state.weapon) < 0) return false;
    if (state.act && inc.acts.indexOf(state.act) < 0) return false;
    if (!isNaN(state.from) && !(days[i] >= state.from && days[i] < state.to)) return false;
    return !state.q.length || matches(hay[i]);
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

  // ---- place labels: countries (Natural Earth outlines), first-level units and towns, drawn after each
  // move into a pane between the outlines and the markers, biggest first, skipping any that would overlap
  var LB = JSON.parse(document.getElementById('labels-data').textContent) || {places: [], regions: []};
  var countryLabels = [];
  if (basemap) basemap.features.forEach(function (f) {
    var g = f.geometry, polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates, best = null, area = -1;
    polys.forEach(function (p) {  // the largest part's bounding box centre
      var x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
      p[0].forEach(function (c) { x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]); });
      if ((x1 - x0) * (y1 - y0) > area) { area = (x1 - x0) * (y1 - y0); best = [(y0 + y1) / 2, (x0 + x1) / 2, area]; }
    });
    if (best && f.properties && f.properties.name) countryLabels.push([f.properties.name, best[0], best[1], best[2]]);
  });
  countryLabels.sort(function (a, b) { return b[3] - a[3]; });
  map.createPane('labels').style.zIndex = 350;
  var labelPane = map.getPane('labels');
  labelPane.style.pointerEvents = 'none';
  // smallest population labelled at each zoom: the map fills with towns as one zooms in
  function minPopulation(z) { return z <= 4 ? 2e6 : z === 5 ? 5e5 : z === 6 ? 2e5 : z === 7 ? 8e4 : z === 8 ? 4e4 : 0; }
  function drawLabels() {
    labelPane.textContent = '';
    var z = map.getZoom(), size = map.getSize(), taken = [], count = 0;
    function put(name, lat, lon, cls, dot) {
      if (count >= 250) return;
      var p = map.latLngToContainerPoint([lat, lon]);
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return;
      var w = name.length * (cls === 'lbl-country' ? 7.5 : 6.3) + (dot ? 8 : 0), h = cls === 'lbl-country' ? 16 : 14;
      var box = dot ? [p.x - 3, p.y - h / 2, p.x + w, p.y + h / 2] : [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
      if (box[0] < 0 || box[2] > size.x) return;  // a name cut by the map's edge reads as another name
      for (var k = 0; k < taken.length; k++) {
        var t = taken[k];
        if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) return;
      }
      taken.push(box); count++;
      var d = el('div', 'lbl ' + cls, name);
      if (dot) d.insertBefore(el('span', 'lbl-dot'), d.firstChild);
      L.DomUtil.setPosition(d, map.latLngToLayerPoint([lat, lon]));
      labelPane.appendChild(d);
    }
    var minPop = minPopulation(z);
    // towns first: they are what a reader looks for; units and countries fill the room left
    for (var i = 0; i < LB.places.length && LB.places[i][3] >= minPop; i++) put(LB.places[i][0], LB.places[i][1], LB.places[i][2], 'lbl-place', true);
    if (z >= 5) LB.regions.forEach(function (r) { put(r[0], r[1], r[2], 'lbl-region', false); });
    if (z <= 7) countryLabels.forEach(function (c) { put(c[0], c[1], c[2], 'lbl-country', false); });
  }
  map.on('zoomend moveend viewreset resize', drawLabels);
  if (LB.places.length) map.attributionControl.addAttribution('places: GeoNames (CC BY 4.0), countries-states-cities (ODbL)');

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
    markers[i] = m;
    minLat = Math.min(minLat, inc.lat); maxLat = Math.max(maxLat, inc.lat);
    minLon = Math.min(minLon, inc.lon); maxLon = Math.max(maxLon, inc.lon);
  });
  if (minLat <= maxLat) map.fitBounds([[minLat, minLon], [maxLat, maxLon]], {padding: [30, 30], maxZoom: 7});
  else map.setView([20, 0], 2);

  // one shared hover tooltip (not one per marker: 100k tooltips would cost seconds)
  var tip = L.tooltip({direction: 'top', offset: [0, -6], opacity: 0.95});
  function incidentTip(i) {
    var inc = incs[i], box = el('div', 'tip');
    var head = el('b', null, (inc.d || 'undated') + ' · ' + (inc.p || 'unplaced'));
    box.appendChild(head); box.appendChild(el('br'));
    box.appendChild(badge(inc.st));
    if (inc.an) box.appendChild(el('span', 'flag', 'analyst decision'));
    box.appendChild(el('div', null, inc.acts.map(label).join(', ') + (actorsOf[i].length ? ' — ' + actorsOf[i].join(', ') : '')));
    var src = sourceCount(inc.a);
    box.appendChild(el('div', 'meta', inc.a.length + ' allegation' + (inc.a.length === 1 ? '' : 's') + ' · ' + src.all + ' source' +
      (src.all === 1 ? '' : 's') + ', ' + src.indep.length + ' independent · ' + (inc.id || '')));
    return box;
  }
  function clusterTip(c) {
    var counts = {}, kids = c.getAllChildMarkers(), box = el('div', 'tip');
    kids.forEach(function (k) { bump(counts, incs[k.incIdx].st); });
    box.appendChild(el('b', null, kids.length + ' incidents'));
    Object.keys(counts).forEach(function (s) { box.appendChild(el('div', null, label(s) + ': ' + counts[s])); });
    box.appendChild(el('div', 'meta', 'click to zoom in'));
    return box;
  }
  cluster.on('mouseover', function (e) {
    tip.setContent(incidentTip(e.layer.incIdx)).setLatLng(e.layer.getLatLng()); map.openTooltip(tip);
  });
  cluster.on('clustermouseover', function (e) {
    tip.setContent(clusterTip(e.layer)).setLatLng(e.layer.getLatLng()); map.openTooltip(tip);
  });
  cluster.on('mouseout clustermouseout', function () { map.closeTooltip(tip); });
  cluster.on('click', function (e) { map.closeTooltip(tip); select(e.layer.incIdx, true); });

  // bring a marker into view at a readable zoom: deep enough that it leaves its cluster, but no deeper
  // than SHOW_ZOOM; markers that share a spot (or nearly) are spread out (spiderfied) there instead
  var SHOW_ZOOM = 10;
  function reveal(m) {
    var own = m.__parent ? m.__parent._zoom + 1 : map.getZoom();
    var z = Math.max(map.getZoom(), Math.min(SHOW_ZOOM, Math.max(own, 8)));
    function spread() {
      if (map.hasLayer(m)) return;  // drawn on its own (cluster.getVisibleParent expects icon markers)
      var vp = m.__parent;
      while (vp && !vp._icon) vp = vp.__parent;
      if (vp && vp.getChildCount() <= 60) vp.spiderfy(); else if (vp) cluster.zoomToShowLayer(m);
    }
    if (map.getZoom() === z && map.getBounds().pad(-0.1).contains(m.getLatLng())) { spread(); return; }
    map.once('moveend', function () { setTimeout(spread, 0); });
    map.setView(m.getLatLng(), z);
  }

  // ---- timeline -----------------------------------------------------------------------------------
  var canvas = document.getElementById('timeline-canvas'), tl = {bins: []};
  var tlLabel = document.getElementById('timeline-label'), TL_HINT = 'Click a bar to filter by its dates.';
  // the axis is broken at long quiet stretches: each stretch of activity (a segment) gets room by its
  // length and by how many incidents it holds, so 2008 and 2020 both stay readable on one axis
  var segments = (function () {
    var ds = [];
    for (var i = 0; i < days.length; i++) if (!isNaN(days[i])) ds.push(days[i]);
    if (!ds.length) return [];
    ds.sort(function (a, b) { return a - b; });
    var span = ds[ds.length - 1] - ds[0] + 1, gaps = [];
    for (i = 1; i < ds.length; i++) if (ds[i] - ds[i - 1] > Math.max(90, span / 15)) gaps.push([ds[i] - ds[i - 1], i]);
    gaps.sort(function (a, b) { return b[0] - a[0]; });
    var cuts = gaps.slice(0, 7).map(function (g) { return g[1]; }).sort(function (a, b) { return a - b; });
    var segs = [], start = 0;
    cuts.concat([ds.length]).forEach(function (c) {
      segs.push({from: ds[start], to: ds[c - 1] + 1, n: c - start}); start = c;
    });
    return segs;
  })();
  var BREAK = 14;
  function layoutSegments(width) {
    var total = 0, count = 0;
    segments.forEach(function (g) { total += g.to - g.from; count += g.n; });
    var room = width - BREAK * (segments.length - 1), min = Math.min(40, room / segments.length), x = 4;
    var free = room - min * segments.length;
    segments.forEach(function (g) {
      g.w = min + free * (0.5 * (g.to - g.from) / total + 0.5 * g.n / count);
      g.x = x; x += g.w + BREAK;
    });
  }
  function fmtDay(day, span) { return span > 1000 ? isoOf(day).slice(0, 4) : span > 90 ? isoOf(day).slice(0, 7) : isoOf(day); }
  function drawTimeline() {
    var w = canvas.clientWidth || 600, h = canvas.clientHeight || 110, ratio = window.devicePixelRatio || 1;
    canvas.width = w * ratio; canvas.height = h * ratio;
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#555'; ctx.font = '11px sans-serif';
    if (!segments.length) { ctx.fillText('No dated incidents.', 4, 20); tl.bins = []; return; }
    layoutSegments(w - 8);
    var bins = [], top = 1, base = h - 16;
    segments.forEach(function (g) {
      var span = g.to - g.from, nb = Math.max(1, Math.min(span, Math.floor(g.w / 4))), per = Math.ceil(span / nb);
      nb = Math.ceil(span / per); g.per = per; g.first = bins.length;
      for (var b = 0; b < nb; b++) bins.push({from: g.from + b * per, to: Math.min(g.to, g.from + (b + 1) * per), n: 0, by: {},
        x: g.x + b * g.w / nb, w: g.w / nb});
    });
    shown.forEach(function (k) {
      if (isNaN(days[k])) return;
      for (var j = 0; j < segments.length; j++) {
        var g = segments[j];
        if (days[k] >= g.from && days[k] < g.to) {
          var bin = bins[g.first + Math.floor((days[k] - g.from) / g.per)];
          bin.n++; bump(bin.by, incs[k].st); return;
        }
      }
    });
    bins.forEach(function (bin) { top = Math.max(top, bin.n); });
    bins.forEach(function (bin) {
      // a bar wider than 30 px (a short stretch given much room) is drawn narrower, centred in its bin
      var bw = Math.min(30, Math.max(1, bin.w - (bin.w > 3 ? 1 : 0))), y = base, x = bin.x + (bin.w - bw) / 2;
      D.statuses.forEach(function (s) {
        var c = bin.by[s]; if (!c) return;
        var bh = Math.max(1, c / top * (base - 4));
        ctx.fillStyle = color(s); ctx.fillRect(x, y - bh, bw, bh); y -= bh;
      });
      if (!isNaN(state.from) && bin.from >= state.from && bin.to <= state.to) {
        ctx.strokeStyle = '#000'; ctx.strokeRect(x, 2, bw, base - 2);
      }
    });
    ctx.strokeStyle = '#bbb'; ctx.fillStyle = '#555';
    segments.forEach(function (g, j) {
      ctx.beginPath(); ctx.moveTo(g.x, base + 0.5); ctx.lineTo(g.x + g.w, base + 0.5); ctx.stroke();
      var span = g.to - g.from, a = fmtDay(g.from, span), z = fmtDay(g.to - 1, span);
      ctx.fillText(a, g.x, h - 3);
      if (z !== a && ctx.measureText(a).width + ctx.measureText(z).width + 8 < g.w) ctx.fillText(z, g.x + g.w - ctx.measureText(z).width, h - 3);
      if (j) {  // the break: two slanted strokes where a quiet stretch was cut out
        var bx = g.x - BREAK / 2;
        ctx.beginPath(); ctx.moveTo(bx - 4, base + 4); ctx.lineTo(bx - 1, base - 4); ctx.moveTo(bx + 1, base + 4); ctx.lineTo(bx + 4, base - 4); ctx.stroke();
      }
    });
    tl.bins = bins; tl.top = top;
    tlLabel.textContent = TL_HINT + ' Tallest bar: ' + top + ' incident' + (top === 1 ? '' : 's') + '.';
  }
  function binAt(ev) {
    var r = canvas.getBoundingClientRect(), x = ev.clientX - r.left;
    for (var b = 0; b < tl.bins.length; b++) if (x >= tl.bins[b].x && x < tl.bins[b].x + tl.bins[b].w) return tl.bins[b];
    return null;
  }
  canvas.addEventListener('mouseleave', function () { tlLabel.textContent = TL_HINT + ' Tallest bar: ' + tl.top + '.'; });
  canvas.addEventListener('mousemove', function (ev) {
    var bin = binAt(ev);
    tlLabel.textContent = bin ? isoOf(bin.from) + (bin.to - bin.from > 1 ? ' to ' + isoOf(bin.to - 1) : '') +
      ': ' + bin.n + ' incident' + (bin.n === 1 ? '' : 's') : '';
  });
  canvas.addEventListener('click', function (ev) {
    var bin = binAt(ev); if (!bin) return;
    state.from = bin.from; state.to = bin.to; apply(true);
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
      row.childNodes[2].textContent = ' ' + (inc.p || 'unplaced') + ' · ' + label(inc.st) + (inc.an ? ' · analyst decision' : '');
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
  // who a source is: a party (and whose side), a third party, or independent of the parties
  function sideOf(kind, side) {
    if (kind === 'party') return 'party' + (side ? ': ' + side : '');
    if (kind === 'third_party') return 'third party' + (side ? ' (' + side + ')' : '');
    if (kind === 'independent_verifier') return 'independent verifier';
    if (kind === 'independent') return 'independent';
    return side ? 'side: ' + side : 'side unknown';
  }
  function isIndependent(kind, side) { return INDEPENDENT.indexOf(kind) >= 0 && !side; }
  // the distinct sources behind allegations and how many are independent of the parties: a party's
  // officials, its media or anyone speaking for its side never count as independent
  function sourceCount(list) {
    var all = {}, indep = {};
    list.forEach(function (ai) {
      var a = algs[ai];
      a.s.forEach(function (si) {
        var s = stmts[si], key = (s[1] || s[7] || '?').toLowerCase();
        all[key] = s[1] || s[7];
        if (isIndependent(s[5], s[6])) indep[key] = s[1];
      });
      if (a.nar && a.rb) all[a.rb.toLowerCase()] = a.rb;
      a.v.forEach(function (v) {
        var key = (v[0] || '?').toLowerCase();
        all[key] = v[0];
        // a verifier counts unless the statements it is known by come from a party's side
        if (v[4].every(function (si) { return isIndependent(stmts[si][5], stmts[si][6]) || !stmts[si][5]; })) indep[key] = v[0];
      });
    });
    return {all: Object.keys(all).length, indep: Object.keys(indep).map(function (k) { return indep[k]; })};
  }
  function allegationBox(ai, counter) {
    var a = algs[ai], box = el('section', 'allegation' + (counter || a.den ? ' counter' : ''));
    box.id = 'allegation-' + a.id;
    var head = el('b', null, (a.id ? a.id + ': ' : '') + label(a.act));
    box.appendChild(head);
    if (a.den) box.appendChild(el('span', 'flag counter-flag', 'denial'));
    if (counter) box.appendChild(el('span', 'flag counter-flag', 'counter-claim'));
    if (a.nar) box.appendChild(el('span', 'flag', 'told by the outlet'));
    field(box, 'Perpetrator', a.perp ? a.perp + (a.pa && a.pa.length ? ' (also: ' + a.pa.join(', ') + ')' : '') : 'not named');
    field(box, 'Weapons', a.w); field(box, 'Targets', a.t); field(box, 'Places', a.pl); field(box, 'Date', a.d);
    var k = a.k;
    if (k[0] !== null || k[1] !== null) field(box, 'Killed', k[0] === k[1] || k[1] === null ? k[0] : (k[0] === null ? '≤' + k[1] : k[0] + '–' + k[1]));
    if (k[2] !== null || k[3] !== null) field(box, 'Injured', k[2] === k[3] || k[3] === null ? k[2] : (k[2] === null ? '≤' + k[3] : k[2] + '–' + k[3]));
    if (a.nar && a.sp) {
      box.appendChild(el('div', 'meta', 'Reported by ' + (a.rb || (a.doc >= 0 ? docs[a.doc].outlet : '') || 'the outlet') + ' itself'));
      box.appendChild(sourceBlock(a.sp)); box.appendChild(docMeta(a.sp));
    }
    a.s.forEach(function (si) {
      var s = stmts[si], who = el('div', 'meta');
      who.appendChild(document.createTextNode((s[1] || 'unknown speaker') + (s[2] ? ' (' + s[2] + ')' : '') + (s[4] ? ', ' + s[4] : '') + (s[7] ? ', reported by ' + s[7] : '') + ' '));
      who.appendChild(el('span', 'side ' + (isIndependent(s[5], s[6]) ? 'side-indep' : s[5] === 'party' ? 'side-party' : 'side-other'), sideOf(s[5], s[6])));
      box.appendChild(who);
      box.appendChild(sourceBlock(s[0]));
      box.appendChild(docMeta(s[0]));
    });
    a.v.forEach(function (v) {
      var p = el('div', 'review'); p.id = 'review-' + v[5];
      p.appendChild(el('b', null, (counter ? 'This account assessed by ' : 'Assessed by ') + v[0] + ': ')); p.appendChild(badge(v[1]));
      box.appendChild(p);
      field(box, 'Weapon identified', v[2]);
      if (v[3]) { box.appendChild(sourceBlock(v[3], 'basis')); box.appendChild(docMeta(v[3])); }
      v[4].forEach(function (si) { if (!v[3]) { box.appendChild(sourceBlock(stmts[si][0], 'basis')); box.appendChild(docMeta(stmts[si][0])); } });
    });
    return box;
  }
  function showDetail(i) {
    var inc = incs[i];
    detail.textContent = '';
    var h = el('h2', null, (inc.id || 'incident') + ' '); h.appendChild(badge(inc.st));
    if (inc.an) h.appendChild(el('span', 'flag analyst-flag', 'analyst decision'));
    detail.appendChild(h);
    field(detail, 'Date', inc.d || 'unknown');
    field(detail, 'Place', (inc.p || 'unknown') + (typeof inc.lat === 'number' ? ' (' + inc.lat.toFixed(4) + ', ' + inc.lon.toFixed(4) + ')' : ''));
    field(detail, 'Acts', inc.acts.map(label));
    field(detail, inc.an ? 'Analyst\u2019s rationale (overrides the computed status)' : 'Status rationale', inc.r);
    var src = sourceCount(inc.a);
    field(detail, 'Sources', src.all + ', of which ' + src.indep.length + ' independent of the parties' +
      (src.indep.length ? ' (' + src.indep.join(', ') + ')' : ''));
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
    accusations.forEach(function (ai) { detail.appendChild(allegationBox(ai, false)); });
    if (counters.length) {
      detail.appendChild(el('h3', null, 'Counter-claims (' + counters.length + ')'));
      detail.appendChild(el('p', 'meta', 'The accused party\u2019s own account. Its assessments concern that account, not the incident\u2019s status.'));
      counters.forEach(function (ai) { detail.appendChild(allegationBox(ai, true)); });
    }
  }

  // ---- allegations outside any incident, under their document -----------------------------------
  var inIncident = new Uint8Array(algs.length), algIncident = new Int32Array(algs.length).fill(-1);
  incs.forEach(function (inc, i) { inc.a.concat(inc.cc || []).forEach(function (ai) { inIncident[ai] = 1; algIncident[ai] = i; }); });
  var orphansByDoc = {}, orphanCount = 0;
  algs.forEach(function (a, ai) {
    if (inIncident[ai]) return;
    (orphansByDoc[a.doc] = orphansByDoc[a.doc] || []).push(ai); orphanCount++;
  });
  // the allegations outside incidents that pass the search and the actor, weapon and act filters
  var orphansButton = document.getElementById('orphans-button'), orphansOpen = false, orphanHay = {};
  function orphanPasses(ai) {
    var a = algs[ai];
    if (state.actor && (a.den || a.perp !== state.actor)) return false;
    if (state.weapon && a.w.indexOf(state.weapon) < 0) return false;
    if (state.act && a.act !== state.act) return false;
    if (!state.q.length) return true;
    if (!orphanHay.hasOwnProperty(ai)) orphanHay[ai] = allegationText(ai).toLowerCase();
    return matches(orphanHay[ai]);
  }
  function updateOrphans() {
    if (!orphanCount) return;
    var n = 0;
    Object.keys(orphansByDoc).forEach(function (di) { orphansByDoc[di].forEach(function (ai) { if (orphanPasses(ai)) n++; }); });
    orphansButton.hidden = false;
    orphansButton.textContent = (n === orphanCount ? n : n + ' of ' + orphanCount) + ' allegation' + (orphanCount === 1 ? '' : 's') +
      ' outside incidents, by document';
    if (orphansOpen) showOrphans();
  }
  orphansButton.addEventListener('click', function () { showOrphans(); });
  function showOrphans() {
    orphansOpen = true;
    detail.textContent = '';
    detail.appendChild(el('h2', null, 'Allegations outside incidents (' + orphanCount + ')'));
    detail.appendChild(el('p', 'meta', 'Not placed, dated or specific enough to form an incident, or not an event (threats, intentions).' +
      (state.q.length || state.actor || state.weapon || state.act ? ' Only those passing the search and filters are listed.' : '')));
    Object.keys(orphansByDoc).map(Number).sort(function (x, y) { return x - y; }).forEach(function (di) {
      var list = orphansByDoc[di].filter(orphanPasses);
      if (!list.length) return;
      var d = docs[di], h = el('h3', 'doc-head', d ? (d.title || 'document ' + d.id) : 'unknown document');
      if (d) h.id = 'document-' + d.id;
      detail.appendChild(h);
      if (d) detail.appendChild(el('div', 'meta', [d.outlet, d.published].filter(Boolean).join(', ')));
      list.forEach(function (ai) { detail.appendChild(allegationBox(ai, false)); });
    });
    detail.scrollTop = 0;
  }
  var lastMarker = null;
  function select(i, fromMap) {
    state.selected = i; orphansOpen = false;
    showDetail(i);
    var r = shown.indexOf(i);
    if (r >= 0 && !fromMap) { /* clicked in the list: keep its scroll */ }
    else if (r >= 0) list.scrollTop = Math.max(0, r * ROW - list.clientHeight / 2);
    renderRows();
    if (lastMarker) lastMarker.setStyle({weight: 1});
    var m = lastMarker = markers[i];
    if (m) m.setStyle({weight: 3});
    if (m && !fromMap && onMap[i]) reveal(m);
    document.body.dataset.selected = incs[i].id || '';
  }

  // ---- apply filters everywhere -------------------------------------------------------------------
  var isReady = false, loading = false, onMap = new Uint8Array(incs.length);
  function ready() {
    if (isReady) return;
    isReady = true;
    if (location.hash) openHash();  // a permalink: once every marker is clustered, so it can be revealed
    window.reportReady = true; document.body.dataset.ready = '1';
  }
  // refit: after a filter change the map frames what is left (never deeper than zoom 9)
  function apply(refit) {
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
    if (refit && withCoords) {
      var s0 = 90, n0 = -90, w0 = 180, e0 = -180;
      shown.forEach(function (k) {
        var inc = incs[k]; if (!markers[k]) return;
        s0 = Math.min(s0, inc.lat); n0 = Math.max(n0, inc.lat); w0 = Math.min(w0, inc.lon); e0 = Math.max(e0, inc.lon);
      });
      map.fitBounds([[s0, w0], [n0, e0]], {padding: [30, 30], maxZoom: 9, animate: false});
    }
    spacer.style.height = (shown.length * ROW) + 'px';
    document.getElementById('shown').textContent = shown.length + ' of ' + incs.length + ' incidents shown' +
      (withCoords < shown.length ? ' (' + (shown.length - withCoords) + ' without coordinates)' : '');
    var df = document.getElementById('date-filter');
    df.hidden = isNaN(state.from);
    if (!df.hidden) document.getElementById('date-filter-label').textContent = 'Dates ' + isoOf(state.from) + ' to ' + isoOf(state.to - 1);
    renderRows();
    drawTimeline();
    updateOrphans();
    if (add.length) { loading = true; cluster.addLayers(add, true); } else ready();
  }
  document.getElementById('summary').textContent = incs.length + ' incidents · ' + algs.length + ' allegations · ' +
    stmts.length + ' statements · ' + docs.length + ' documents';
  // permalinks: #incident-ID opens the incident, #review-ID the assessment (ClaimReview urls point here)
  var incidentById = {}, reviewTarget = {};
  incs.forEach(function (inc, i) { if (inc.id) incidentById[inc.id] = i; });
  algs.forEach(function (a, ai) { a.v.forEach(function (v) { reviewTarget[v[5]] = ai; }); });
  function openHash() {
    var h = location.hash.slice(1), id;
    try { id = decodeURIComponent(h.replace(/^(incident|review)-/, '')); } catch (e) { return; }
    var target = null;
    if (/^incident-/.test(h) && incidentById.hasOwnProperty(id)) select(incidentById[id], false);
    else if (/^review-/.test(h) && reviewTarget.hasOwnProperty(id)) {
      var ai = reviewTarget[id];
      if (algIncident[ai] >= 0) select(algIncident[ai], false); else showOrphans();
      target = document.getElementById('review-' + id);
    } else return;
    if (target) { target.scrollIntoView({block: 'center'}); target.classList.add('target'); }
  }
  apply();
  window.addEventListener('hashchange', openHash);
  document.body.dataset.interactive = '1';  // list, timeline and the first map chunk are up
  window.claimledgerReport = {select: select, shownCount: function () { return shown.length; },
    markerCount: function () { return cluster.getLayers().length; }, timelineBins: function () { return tl.bins.length; },
    timeline: function () { return {segments: segments.map(function (g) { return [isoOf(g.from), isoOf(g.to - 1), Math.round(g.w)]; }),
      narrowest: Math.min.apply(null, tl.bins.filter(function (b) { return b.n; }).map(function (b) { return b.w; }))}; },
    labels: function () { return Array.prototype.map.call(labelPane.children, function (d) { return d.textContent; }); },
    zoom: function () { return map.getZoom(); }, showOrphans: showOrphans,
    // where incident `id`'s marker is drawn on the page, and whether it stands alone (not inside a cluster)
    markerPoint: function (id) {
      var m = markers[incidentById[id]], p = map.latLngToContainerPoint(m.getLatLng()), r = map.getContainer().getBoundingClientRect();
      return {x: r.left + p.x, y: r.top + p.y, alone: map.hasLayer(m)};
    }};
})();
