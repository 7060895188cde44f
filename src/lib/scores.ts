// Averages of scores 1–6, as every page shows them: two decimals, and none of nothing (null, not 0).

/** A mean to two decimals, as the gradebook, the Waiting Room and a student's record show it. */
export function roundedAverage(mean: number): number {
  return Math.round(mean * 100) / 100;
}

/** The average of these scores to two decimals; null when there are none. */
export function averageOf(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return roundedAverage(scores.reduce((sum, s) => sum + s, 0) / scores.length);
}
