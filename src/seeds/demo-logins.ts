// The demo department's sign-ins, printed at start and shown on the sign-in page in development.
// They are public by design, which is why production never seeds them (config refuses it).
export const demoLogins = [
  { role: 'admin', username: 'admin', password: 'fms-demo-dept-head' },
  { role: 'lecturer', username: 'l.petrova', password: 'fms-demo-lecturer' },
  { role: 'student', username: 's.novak', password: 'fms-demo-student' },
] as const;

export const DEMO_SEEDED_SETTING = 'demo.seeded_at';
