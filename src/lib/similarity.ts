// Texts ranked by TF-IDF cosine similarity to a typed text: "Find similar theses" (titles) and the
// assistant's search of the users' guide (its sections).
// Titles are written in English, Armenian and Russian, so words are letters and digits of any
// script, folded (NFKC, lower case, ё as е) and stripped of those languages' stop words (the
// `stopword` package's lists). A word's weight in a title is (1 + log tf) × idf, idf = log(1 + N / df),
// and each title's vector is normalised once; a search adds up the query's words' postings, so it
// reads only the titles that share a word with it: 50,000 titles answer in a few milliseconds.
import { eng, hye, rus } from 'stopword';

const stopWords = new Set([...eng, ...hye, ...rus].map((w) => fold(w)));

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replaceAll('ё', 'е');
}

/** The words of a title that count: folded, two or more characters (or a number), no stop words. */
export function titleWords(title: string): string[] {
  const words = fold(title).match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  return words.filter((w) => (w.length > 1 || /\p{N}/u.test(w)) && !stopWords.has(w));
}

export interface SimilarTitle {
  id: number;
  title: string;
  /** Cosine similarity, 0 to 1. */
  score: number;
}

interface Posting {
  doc: number;
  tf: number;
}

/**
 * An index of titles for similarity search, built once from all of them (`build`). Immutable:
 * a change to the titles builds a new one (the service keeps it until the titles change).
 */
export class TitleIndex {
  readonly size: number;
  private readonly ids: Int32Array;
  private readonly titles: string[];
  private readonly norms: Float64Array;
  private readonly postings = new Map<string, Posting[]>();

  /** `words`: how a text is cut into the words that count (titles' by default; the guide's search stems them). */
  constructor(
    entries: readonly { id: number; title: string }[],
    private readonly words: (text: string) => string[] = titleWords,
  ) {
    this.size = entries.length;
    this.ids = new Int32Array(entries.length);
    this.titles = new Array<string>(entries.length);
    const counts: Map<string, number>[] = [];
    entries.forEach((e, doc) => {
      this.ids[doc] = e.id;
      this.titles[doc] = e.title;
      const tf = new Map<string, number>();
      for (const w of this.words(e.title)) tf.set(w, (tf.get(w) ?? 0) + 1);
      counts.push(tf);
      for (const [word, n] of tf) {
        let list = this.postings.get(word);
        if (!list) this.postings.set(word, (list = []));
        list.push({ doc, tf: n });
      }
    });
    this.norms = new Float64Array(entries.length);
    counts.forEach((tf, doc) => {
      let sum = 0;
      for (const [word, n] of tf) sum += (this.weight(n) * this.idf(word)) ** 2;
      this.norms[doc] = Math.sqrt(sum);
    });
  }

  private sums: Float64Array | null = null;

  /** The dot products' array, all zeros (a search leaves it so). */
  private scratch(): Float64Array {
    return (this.sums ??= new Float64Array(this.size));
  }

  private weight(tf: number): number {
    return 1 + Math.log(tf);
  }

  /** Smoothed: a word in every title still weighs a little; a word no title has weighs most. */
  private idf(word: string): number {
    return Math.log(1 + this.size / Math.max(1, this.postings.get(word)?.length ?? 0));
  }

  /**
   * The titles whose similarity to `title` is at least `threshold` (0 to 1), best first, at most
   * `limit`; ties by id. `exceptId`: a thesis not to compare with (its own, when it is changed).
   */
  search(title: string, options: { threshold: number; limit: number; exceptId?: number }): SimilarTitle[] {
    const tf = new Map<string, number>();
    for (const w of this.words(title)) tf.set(w, (tf.get(w) ?? 0) + 1);
    let queryNorm = 0;
    // Dot products in an array the size of the index (reused), with the titles touched listed:
    // a common word's postings run to thousands, and a Map per search costs more than the sums.
    const scores = this.scratch();
    const touched: number[] = [];
    for (const [word, n] of tf) {
      const idf = this.idf(word);
      const q = this.weight(n) * idf;
      queryNorm += q * q;
      for (const p of this.postings.get(word) ?? []) {
        if (scores[p.doc] === 0) touched.push(p.doc);
        scores[p.doc]! += q * this.weight(p.tf) * idf;
      }
    }
    const found: SimilarTitle[] = [];
    queryNorm = Math.sqrt(queryNorm);
    for (const doc of touched) {
      const score = scores[doc]! / (queryNorm * this.norms[doc]!);
      scores[doc] = 0;
      if (score + 1e-12 >= options.threshold && this.ids[doc] !== options.exceptId) found.push({ id: this.ids[doc]!, title: this.titles[doc]!, score: Math.min(1, score) });
    }
    found.sort((a, b) => b.score - a.score || a.id - b.id);
    return found.slice(0, options.limit);
  }
}
