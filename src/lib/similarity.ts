// Texts ranked by TF-IDF cosine similarity to a typed text: "Find similar theses" (titles) and the
// assistant's search of the users' guide (its sections).
// Titles are written in English, Armenian and Russian, so words are letters and digits of any
// script, folded (NFKC, lower case, ё as е) and stripped of those languages' stop words (the
// `stopword` package's lists). A word's weight in a title is (1 + log tf) × idf, idf = log(1 + N / df),
// and each title's vector is normalised once; a search adds up the query's words' postings, so it
// reads only the titles that share a word with it: 50,000 titles answer in a few milliseconds.
import { onFirstUse, packageOnFirstUse } from './on-first-use.js';

const stopwordLists = packageOnFirstUse<typeof import('stopword')>('stopword');
const stopWords = onFirstUse(() => {
  const { eng, hye, rus } = stopwordLists();
  return new Set([...eng, ...hye, ...rus].map((w) => fold(w)));
});

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replaceAll('ё', 'е');
}

/** The words of a title that count: folded, two or more characters (or a number), no stop words. */
export function titleWords(title: string): string[] {
  const words = fold(title).match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  return words.filter((w) => (w.length > 1 || /\p{N}/u.test(w)) && !stopWords().has(w));
}

export interface SimilarTitle {
  id: number;
  title: string;
  /** Cosine similarity, 0 to 1. */
  score: number;
}

/** A word's titles and, for each, its weight there: (1 + log tf) × idf over the title's norm. */
interface Postings {
  idf: number;
  docs: Int32Array;
  weights: Float64Array;
}

/**
 * An index of titles for similarity search, built once from all of them (`build`). Immutable:
 * a change to the titles builds a new one (the service keeps it until the titles change).
 */
export class TitleIndex {
  readonly size: number;
  private readonly ids: Int32Array;
  private readonly titles: string[];
  private readonly postings = new Map<string, Postings>();

  /** `words`: how a text is cut into the words that count (titles' by default; the guide's search stems them). */
  constructor(
    entries: readonly { id: number; title: string }[],
    private readonly words: (text: string) => string[] = titleWords,
  ) {
    this.size = entries.length;
    this.ids = new Int32Array(entries.length);
    this.titles = new Array<string>(entries.length);
    const lists = new Map<string, { docs: number[]; tfs: number[] }>();
    entries.forEach((e, doc) => {
      this.ids[doc] = e.id;
      this.titles[doc] = e.title;
      const tf = new Map<string, number>();
      for (const w of this.words(e.title)) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const [word, n] of tf) {
        let list = lists.get(word);
        if (!list) lists.set(word, (list = { docs: [], tfs: [] }));
        list.docs.push(doc);
        list.tfs.push(n);
      }
    });
    // Each title's norm, then every weight divided by it once: a search only multiplies and adds.
    const squares = new Float64Array(entries.length);
    for (const list of lists.values()) {
      const idf = this.idf(list.docs.length);
      list.docs.forEach((doc, i) => (squares[doc]! += (weight(list.tfs[i]!) * idf) ** 2));
    }
    for (const [word, list] of lists) {
      const idf = this.idf(list.docs.length);
      const weights = new Float64Array(list.docs.length);
      list.docs.forEach((doc, i) => (weights[i] = (weight(list.tfs[i]!) * idf) / Math.sqrt(squares[doc]!)));
      this.postings.set(word, { idf, docs: Int32Array.from(list.docs), weights });
    }
  }

  private sums: Float64Array | null = null;

  /** The dot products' array, all zeros (a search leaves it so). */
  private scratch(): Float64Array {
    return (this.sums ??= new Float64Array(this.size));
  }

  /** Smoothed: a word in every title still weighs a little; a word no title has weighs most. */
  private idf(titlesWithWord: number): number {
    return Math.log(1 + this.size / Math.max(1, titlesWithWord));
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
      const postings = this.postings.get(word);
      const q = weight(n) * (postings?.idf ?? this.idf(0));
      queryNorm += q * q;
      if (!postings) continue;
      const { docs, weights } = postings;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += q * weights[i]!;
      }
    }
    queryNorm = Math.sqrt(queryNorm);
    // The best `limit`, kept in order as the touched titles go by: thousands may pass the threshold
    // (a common topic), and sorting them all would cost more than the sums.
    const best: { doc: number; score: number }[] = [];
    const before = (a: { doc: number; score: number }, b: { doc: number; score: number }) => a.score > b.score || (a.score === b.score && this.ids[a.doc]! < this.ids[b.doc]!);
    for (const doc of touched) {
      const score = scores[doc]! / queryNorm;
      scores[doc] = 0;
      if (score + 1e-12 < options.threshold || this.ids[doc] === options.exceptId || options.limit <= 0) continue;
      const candidate = { doc, score };
      if (best.length === options.limit && !before(candidate, best[best.length - 1]!)) continue;
      let at = best.length === options.limit ? best.length - 1 : best.length;
      while (at > 0 && before(candidate, best[at - 1]!)) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = candidate;
    }
    return best.map(({ doc, score }) => ({ id: this.ids[doc]!, title: this.titles[doc]!, score: Math.min(1, score) }));
  }
}

function weight(tf: number): number {
  return 1 + Math.log(tf);
}
