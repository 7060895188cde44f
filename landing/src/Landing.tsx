import type React from 'react';
import { LatestNews } from './LatestNews';

// The public face of FMS: what it does for each kind of person, and the way in.

const audiences = [
  {
    title: 'Administrators',
    points: ['Students, lecturers and groups in one place', 'Accounts with one-time passwords', 'Every change in the audit trail'],
  },
  {
    title: 'Lecturers',
    points: ['Subjects, materials and exercises', 'Hand-ins scored 1–6 in the Waiting Room', 'Your groups at a glance'],
  },
  {
    title: 'Students',
    points: ['Your subjects and materials', 'Deadlines you cannot miss', 'Scores and department news'],
  },
];

const operations: [string, React.ReactNode][] = [
  ['One server or a fleet', 'Embedded SQLite to start; PostgreSQL, Redis and S3-compatible storage behind nginx when you grow.'],
  ['Safe by default', 'Argon2id passwords, server-side sessions, CSRF protection, a strict content security policy, rate limits.'],
  [
    'Easy to keep alive',
    <>
      Health checks, Prometheus metrics, backups you can verify, and <code>fms doctor</code> for the troubleshooting list.
    </>,
  ],
];

export function Landing() {
  return (
    <div className="page">
      <header className="top">
        <div className="wrap top-inner">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true">F</span> FMS
          </span>
          <a className="button button-light" href="/login">
            Sign in
          </a>
        </div>
      </header>
      <main>
        <section className="hero">
          <div className="wrap">
            <h1>The Faculty Management System</h1>
            <p className="lead">
              Everything a university department runs on: people and groups, subjects and materials, exercises and the Waiting Room
              where lecturers score what students hand in.
            </p>
            <a className="button" href="/login">
              Sign in to your department
            </a>
          </div>
        </section>
        <section className="wrap grid" aria-label="Who it is for">
          {audiences.map((a) => (
            <article className="card" key={a.title}>
              <h2>{a.title}</h2>
              <ul>
                {a.points.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </article>
          ))}
        </section>
        <LatestNews />
        <section className="wrap ops" aria-label="For operators">
          <h2>For the people who run it</h2>
          <div className="grid">
            {operations.map(([title, text]) => (
              <div key={title}>
                <h3>{title}</h3>
                <p>{text}</p>
              </div>
            ))}
          </div>
        </section>
        <section className="wrap about" aria-labelledby="about-title">
          <h2 id="about-title">About FMS</h2>
          <p>
            FMS is the department&rsquo;s own system, the successor of its Flask application: the same Waiting Room and scores from 1 to 6, with
            subjects, materials, deadlines and news in one place, on servers the department runs itself.
          </p>
        </section>
        <section className="wrap grid two" aria-label="Contact and roadmap">
          <div>
            <h2>Contact</h2>
            <p>
              Accounts are made by the department office: ask it for your sign-in name and one-time password, or for a new one if you have lost
              yours. Lecturers are added to their subjects by an administrator.
            </p>
            <p>
              Public announcements are on the <a href="/news">news page</a> and in its <a href="/news/feed.atom">Atom feed</a>.
            </p>
          </div>
          <div>
            <h2>Roadmap</h2>
            <ul className="roadmap">
              <li>
                <strong>Done:</strong> people and groups, subjects and materials, exercises and the Waiting Room, gradebooks, calendars, news
              </li>
              <li>
                <strong>Next:</strong> dashboards with charts for every role, finding similar thesis topics, and an assistant that answers
                questions about your own deadlines and scores
              </li>
            </ul>
          </div>
        </section>
      </main>
      <footer className="wrap foot">Faculty Management System</footer>
    </div>
  );
}
