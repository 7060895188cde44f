// Draws the charts of a page (src/views/chart.tsx) with uPlot, from the tables the server rendered:
// each `figure[data-chart="daily-bars"]` holds a table of days (time[datetime]) and figures
// (td[data-value]). The table stays for screen readers; once drawn, the figure is marked
// `chart-drawn` and app.css hides the table visually. Without uPlot (or JavaScript) the table shows.
(function () {
  'use strict';
  if (typeof window.uPlot !== 'function') return;
  var uPlot = window.uPlot;

  function read(figure) {
    var labels = [];
    var values = [];
    figure.querySelectorAll('tbody tr').forEach(function (row) {
      var label = row.querySelector('time');
      var cell = row.querySelector('td[data-value]');
      if (!label || !cell) return;
      labels.push(label.textContent.trim());
      values.push(Number(cell.getAttribute('data-value')) || 0);
    });
    return { labels: labels, values: values };
  }

  function colour(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(figure) {
    var plot = figure.querySelector('.chart-plot');
    var data = read(figure);
    if (!plot || data.values.length === 0) return;
    var xs = data.labels.map(function (_, i) { return i; });
    var bar = colour('--bs-primary', '#0d6efd');
    var width = function () { return Math.max(240, plot.clientWidth || figure.clientWidth || 600); };
    var chart = new uPlot(
      {
        width: width(),
        height: 200,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
        series: [
          {},
          { label: figure.querySelector('thead th:last-child').textContent.trim(), stroke: bar, fill: bar, width: 0, points: { show: false }, paths: uPlot.paths.bars({ size: [0.7, 24], gap: 1 }) },
        ],
        axes: [
          {
            // One label a week or so: a day's label under every bar would overlap.
            space: 56,
            incrs: [1, 7, 14, 28],
            values: function (u, splits) { return splits.map(function (i) { return data.labels[i] || ''; }); },
            grid: { show: false },
          },
          { size: 48, values: function (u, splits) { return splits.map(function (v) { return Number.isInteger(v) ? v.toLocaleString('en') : ''; }); } },
        ],
      },
      [xs, data.values],
      plot,
    );
    figure.classList.add('chart-drawn');
    if (typeof window.ResizeObserver === 'function') {
      new window.ResizeObserver(function () { if (chart.width !== width()) chart.setSize({ width: width(), height: 200 }); }).observe(plot);
    }
  }

  document.querySelectorAll('figure[data-chart="daily-bars"]').forEach(draw);
})();
