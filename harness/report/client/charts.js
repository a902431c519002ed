// report.html's chart script, inlined into the page after uPlot. It draws every chart described
// in the page's JSON block (#embedgate-charts, written by harness/report/chart-specs.ts) into
// the element with the chart's id, and records on that element what it drew: data-rendered,
// data-series (series with at least one value) and data-points, which the browser tests read.
// body[data-charts-ms] is the time the charts took, which scripts/bench-report.ts reads.
/* global uPlot */
(function () {
  'use strict';
  var started = performance.now();
  var block = document.getElementById('embedgate-charts');
  if (!block || typeof uPlot === 'undefined') return;
  var specs = JSON.parse(block.textContent || '[]');
  var style = getComputedStyle(document.body);
  var fg = style.color || '#1f2328';
  var gridColor = (style.getPropertyValue('--line') || '#d0d7de').trim();
  var ratio = window.devicePixelRatio || 1;

  function sig(v) {
    return String(Number(v.toPrecision(3)));
  }
  function fmt(unit, v) {
    if (v == null || !isFinite(v)) return '';
    var a = Math.abs(v);
    switch (unit) {
      case 'ms':
        if (a === 0) return '0';
        if (a < 1) return sig(v * 1000) + ' µs';
        if (a < 1000) return sig(v) + ' ms';
        return sig(v / 1000) + ' s';
      case 'bytes':
        if (a < 1e3) return sig(v) + ' B';
        if (a < 1e6) return sig(v / 1e3) + ' kB';
        if (a < 1e9) return sig(v / 1e6) + ' MB';
        return sig(v / 1e9) + ' GB';
      case 'ratio':
        return sig(v * 100) + '%';
      case 'per_second':
        return sig(v) + '/s';
      default:
        return sig(v);
    }
  }
  function elapsed(s, span) {
    if (s == null) return '';
    if (span < 120) return sig(s) + ' s';
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = Math.floor(s % 60);
    var mm = (m < 10 ? '0' : '') + m;
    var ss = (sec < 10 ? '0' : '') + sec;
    return span >= 7200 ? h + ':' + mm : (h > 0 ? h + ':' + mm : m) + ':' + ss;
  }
  // Tick steps a clock reads well at: seconds, minutes, hours.
  var CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  function pct(inv) {
    var p = 100 * (1 - 1 / inv);
    return p >= 99.99 ? String(Number(p.toPrecision(6))) + '%' : String(Number(p.toFixed(2))) + '%';
  }
  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // Min/max envelopes behind each series whose buckets hold several windows: a spike inside a
  // bucket is drawn at its height, the line is the bucket's mean.
  function drawEnvelopes(u, spec) {
    var ctx = u.ctx;
    spec.series.forEach(function (s) {
      if (!s.min || !s.max) return;
      ctx.save();
      ctx.fillStyle = withAlpha(s.color, 0.18);
      ctx.beginPath();
      var open = false;
      var lower = [];
      function close() {
        for (var k = lower.length - 1; k >= 0; k--) ctx.lineTo(lower[k][0], lower[k][1]);
        ctx.closePath();
        lower = [];
        open = false;
      }
      for (var i = 0; i < spec.x.length; i++) {
        if (s.max[i] == null || s.min[i] == null) {
          if (open) close();
          continue;
        }
        var px = u.valToPos(spec.x[i], 'x', true);
        var top = u.valToPos(s.max[i], s.scale, true);
        if (!open) {
          ctx.moveTo(px, top);
          open = true;
        } else ctx.lineTo(px, top);
        lower.push([px, u.valToPos(s.min[i], s.scale, true)]);
      }
      if (open) close();
      ctx.fill();
      // The top edge drawn as a line too: a spike one bucket wide must be seen, not guessed.
      ctx.strokeStyle = withAlpha(s.color, 0.7);
      ctx.lineWidth = ratio;
      ctx.beginPath();
      var down = false;
      for (var j = 0; j < spec.x.length; j++) {
        if (s.max[j] == null) {
          down = false;
          continue;
        }
        var qx = u.valToPos(spec.x[j], 'x', true);
        var qy = u.valToPos(s.max[j], s.scale, true);
        if (down) ctx.lineTo(qx, qy);
        else ctx.moveTo(qx, qy);
        down = true;
      }
      ctx.stroke();
      ctx.restore();
    });
  }

  function drawSpans(u, spec) {
    var ctx = u.ctx;
    var b = u.bbox;
    ctx.save();
    ctx.fillStyle = 'rgba(154,103,0,0.13)';
    spec.spans.forEach(function (sp) {
      var x0 = Math.max(b.left, u.valToPos(sp.from, 'x', true));
      var x1 = Math.min(b.left + b.width, u.valToPos(sp.to, 'x', true));
      if (x1 >= x0) ctx.fillRect(x0, b.top, Math.max(2 * ratio, x1 - x0), b.height);
    });
    ctx.restore();
  }

  function drawMarkers(u, spec) {
    var ctx = u.ctx;
    var b = u.bbox;
    ctx.save();
    ctx.font = Math.round(11 * ratio) + 'px system-ui, sans-serif';
    // uPlot leaves its axis text settings on the context; labels start at their line.
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    var lastEnd = -Infinity;
    spec.markers.forEach(function (m) {
      var px = u.valToPos(m.x, 'x', true);
      if (px < b.left || px > b.left + b.width) return;
      ctx.strokeStyle = 'rgba(87,96,106,0.7)';
      ctx.setLineDash([4 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(px, b.top);
      ctx.lineTo(px, b.top + b.height);
      ctx.stroke();
      // A label only where it does not overlap the previous one; every line is still drawn.
      var w = ctx.measureText(m.label).width;
      if (px + 3 * ratio > lastEnd) {
        ctx.fillStyle = fg;
        ctx.fillText(m.label, px + 3 * ratio, b.top + 2 * ratio);
        lastEnd = px + 3 * ratio + w + 8 * ratio;
      }
    });
    ctx.setLineDash([]);
    ctx.fillStyle = '#cf222e';
    spec.failedAt.forEach(function (x) {
      var px = u.valToPos(x, 'x', true);
      var y = b.top + b.height;
      ctx.beginPath();
      ctx.moveTo(px, y - 7 * ratio);
      ctx.lineTo(px - 4 * ratio, y);
      ctx.lineTo(px + 4 * ratio, y);
      ctx.closePath();
      ctx.fill();
    });
    ctx.restore();
  }

  function yRange(spec, scale) {
    return function (u, min, max) {
      spec.series.forEach(function (s) {
        if (s.scale !== scale || !s.max) return;
        for (var i = 0; i < s.max.length; i++) if (s.max[i] != null && s.max[i] > max) max = s.max[i];
      });
      if (min == null || max == null) return [0, 1];
      var lo = Math.min(0, min);
      var hi = max > lo ? max * 1.08 : lo + 1;
      return [lo, hi];
    };
  }

  function timeOptions(spec, width) {
    var span = spec.x.length ? spec.x[spec.x.length - 1] - spec.x[0] : 0;
    // x is time since the suite started, or in spec.xUnit (a histogram's bin centres).
    var xValue = spec.xUnit ? function (v) { return fmt(spec.xUnit, v); } : function (v) { return elapsed(v, span); };
    var axes = [
      { stroke: fg, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, incrs: span < 120 || spec.xUnit ? undefined : CLOCK_STEPS, values: function (u, vals) { return vals.map(xValue); } },
      { stroke: fg, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, size: 72, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.unit, v); }); } },
    ];
    var scales = { x: { time: false }, y: { range: yRange(spec, 'y') } };
    if (spec.unit2) {
      scales.y2 = { range: yRange(spec, 'y2') };
      axes.push({ scale: 'y2', side: 1, stroke: fg, grid: { show: false }, size: 60, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.unit2, v); }); } });
    }
    var series = [{ label: spec.xLabel || 'time', value: function (u, v) { return v == null ? '' : xValue(v); } }];
    spec.series.forEach(function (s) {
      var unit = s.scale === 'y2' ? spec.unit2 : spec.unit;
      series.push({ label: s.label, scale: s.scale, stroke: s.color, width: 1.5, dash: s.dash ? [6, 4] : undefined, spanGaps: false, points: { show: spec.x.length <= 300 }, value: function (u, v) { return fmt(unit, v); } });
    });
    return {
      width: width,
      height: 230,
      scales: scales,
      axes: axes,
      series: series,
      legend: { live: true },
      hooks: {
        drawClear: [function (u) { drawSpans(u, spec); }],
        drawAxes: [function (u) { drawEnvelopes(u, spec); }],
        draw: [function (u) { drawMarkers(u, spec); }],
      },
    };
  }

  function hdrOptions(spec, width) {
    return {
      width: width,
      height: 260,
      scales: {
        x: { time: false, distr: 3, log: 10, range: function () { return [1, Math.max(10, spec.x[spec.x.length - 1] || 10)]; } },
        y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } },
      },
      axes: [
        // Ticks at p0 and every nine: p90, p99, p99.9, …
        { stroke: fg, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, splits: function (u) { var out = [1]; for (var d = 10; d <= u.scales.x.max; d *= 10) out.push(d); return out; }, values: function (u, vals) { return vals.map(pct); } },
        { stroke: fg, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, size: 72, values: function (u, vals) { return vals.map(function (v) { return fmt('ms', v); }); } },
      ],
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '' : pct(v); } }].concat(
        spec.series.map(function (s) {
          return { label: s.label, stroke: s.color, width: 2, dash: s.dash ? [6, 4] : undefined, spanGaps: true, points: { show: false }, value: function (u, v) { return fmt('ms', v); } };
        }),
      ),
    };
  }

  var drawn = 0;
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    try {
      var width = Math.max(320, Math.min(1060, el.clientWidth || 1060));
      var data;
      var opts;
      if (spec.type === 'hdr') {
        data = [spec.x].concat(spec.series.map(function (s) { return s.y; }));
        opts = hdrOptions(spec, width);
      } else {
        data = [spec.x].concat(spec.series.map(function (s) { return s.mean; }));
        opts = timeOptions(spec, width);
      }
      new uPlot(opts, data, el);
      var withData = data.slice(1).filter(function (col) { return col.some(function (v) { return v != null; }); }).length;
      el.setAttribute('data-series', String(withData));
      el.setAttribute('data-points', String(spec.x.length));
      el.setAttribute('data-rendered', 'true');
      drawn++;
    } catch (error) {
      el.setAttribute('data-rendered', 'error');
      el.textContent = 'This chart could not be drawn: ' + (error && error.message ? error.message : String(error));
      console.error('embedgate chart ' + spec.id + ':', error);
    }
  });
  document.body.setAttribute('data-charts', String(drawn));
  document.body.setAttribute('data-charts-ms', (performance.now() - started).toFixed(1));
})();
