import { formatCount } from './pagination.js';

// A chart of figures per day, drawn in the browser by uPlot (public/charts.js) from the table this
// component renders: the data is in the page, no request per chart, and the table is the chart for
// screen readers and without JavaScript. Once drawn, charts.js marks the figure `chart-drawn`,
// which hides the table visually (app.css) and leaves it to assistive technology; the drawing is
// aria-hidden.

export interface DailyFigure {
  /** "2026-12-06". */
  day: string;
  /** "6 Dec". */
  label: string;
  value: number;
}

export interface DailyChartProps {
  /** Unique on the page: the figure's id. */
  id: string;
  title: string;
  /** The column's heading: what is counted ("Sign-ins"). */
  counted: string;
  figures: readonly DailyFigure[];
}

export function DailyChart({ id, title, counted, figures }: DailyChartProps) {
  const total = figures.reduce((n, f) => n + f.value, 0);
  const busiest = figures.reduce<DailyFigure | null>((best, f) => (f.value > (best?.value ?? 0) ? f : best), null);
  const summary = `${formatCount(total)} in ${figures.length} days${busiest ? `, the most on ${busiest.label} (${formatCount(busiest.value)})` : ''}`;
  return (
    <figure class="chart mb-0" id={id} data-chart="daily-bars" aria-labelledby={`${id}-title`}>
      <figcaption class="d-flex flex-wrap justify-content-between gap-2 mb-2">
        <span class="fw-semibold" id={`${id}-title`} safe>
          {title}
        </span>
        <span class="small text-secondary" safe>
          {summary}
        </span>
      </figcaption>
      <div class="chart-plot" aria-hidden="true"></div>
      <div class="chart-table table-responsive">
        <table class="table table-sm mb-0">
          <caption class="visually-hidden" safe>
            {`${title}: ${summary}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="text-end" safe>
                {counted}
              </th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr>
                <th scope="row" class="fw-normal">
                  <time datetime={f.day} safe>
                    {f.label}
                  </time>
                </th>
                <td class="text-end" data-value={String(f.value)} safe>
                  {formatCount(f.value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
