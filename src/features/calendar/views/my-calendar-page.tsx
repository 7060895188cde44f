import { formatDeadline } from '../../../lib/department-time.js';
import { CsrfField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export interface MyCalendarProps {
  page: PageContext;
  feed: { createdAt: Date; lastUsedAt: Date | null } | null;
  /** The address just made: shown this once, never stored. */
  address?: string | null;
  /** The address just made replaced an older one. */
  replaced?: boolean;
  timeZone: string;
}

export function MyCalendarPage(props: MyCalendarProps) {
  const { feed } = props;
  const lastFetched = feed?.lastUsedAt ? `A calendar app last fetched it around ${formatDeadline(feed.lastUsedAt, props.timeZone)}.` : 'No calendar app has fetched it yet.';
  return (
    <Layout page={props.page} title="Calendar feed">
      <PageHeader title="Calendar feed">
        <a class="btn btn-outline-secondary" href="/my-exercises">
          My exercises
        </a>
      </PageHeader>
      <p class="text-secondary">
        Subscribe to your private calendar address in Google Calendar, Outlook, Apple Calendar or Thunderbird (“add calendar from URL”, “subscribe”) and your
        deadlines appear there: every exercise set for your group that has a due time, with its state and a link to it. Calendar apps fetch it again every few
        hours, so a change can take that long to show.
      </p>
      <p class="text-secondary" safe>
        {`Each deadline is an exact moment; your calendar shows it in its own time zone (the department's is ${props.timeZone}).`}
      </p>
      <p class="text-secondary">
        Anyone who has the address sees your deadlines without signing in: keep it to yourself. If it has leaked, make a new address; the old one stops working at
        once.
      </p>
      {props.address ? (
        <div class="alert alert-success" role="status">
          <p class="mb-2">
            {props.replaced ? 'Your new calendar address; the old one no longer works. ' : 'Your calendar address. '}Copy it into your calendar app now: it will not be
            shown again.
          </p>
          <div class="secret-once bg-white border rounded p-2 text-break" data-testid="feed-address" safe>
            {props.address}
          </div>
        </div>
      ) : (
        ''
      )}
      <div class="card shadow-sm">
        <div class="card-body">
          {feed ? (
            <>
              <p class="mb-1" data-testid="feed-status" safe>
                {`Your calendar feed is on. Address made ${formatDeadline(feed.createdAt, props.timeZone)}.`}
              </p>
              <p class="text-secondary small" safe>
                {lastFetched}
              </p>
              <div class="d-flex flex-wrap gap-2">
                <form method="post" action="/my-calendar/new-address" data-confirm="Make a new address? The old one stops working: calendars subscribed to it must get the new one.">
                  <CsrfField token={props.page.csrfToken} />
                  <button class="btn btn-primary" type="submit">
                    Make a new address
                  </button>
                </form>
                <form method="post" action="/my-calendar/turn-off" data-confirm="Turn the calendar feed off? Its address stops working.">
                  <CsrfField token={props.page.csrfToken} />
                  <button class="btn btn-outline-danger" type="submit">
                    Turn off
                  </button>
                </form>
              </div>
            </>
          ) : (
            <>
              <p data-testid="feed-status">Your calendar feed is off.</p>
              <form method="post" action="/my-calendar/new-address">
                <CsrfField token={props.page.csrfToken} />
                <button class="btn btn-primary" type="submit">
                  Make my calendar address
                </button>
              </form>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}
