// The similarity of thesis titles: TF-IDF cosine over words of any script, without English,
// Armenian and Russian stop words, best first, above a threshold.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TitleIndex, titleWords } from './similarity.js';

const titles = [
  { id: 1, title: 'Neural networks for the recognition of handwritten Armenian letters' },
  { id: 2, title: 'Recognition of handwritten digits with convolutional neural networks' },
  { id: 3, title: 'A distributed database for university records' },
  { id: 4, title: 'Scheduling exams in a university department' },
  { id: 5, title: 'Нейронные сети для распознавания рукописных армянских букв' },
  { id: 6, title: 'Ձեռագիր հայերեն տառերի ճանաչում նեյրոնային ցանցերով' },
  { id: 7, title: 'Blockchain voting for student councils' },
];

describe('thesis title similarity', () => {
  test('words: folded, of any script, without the stop words of English, Armenian and Russian', () => {
    assert.deepEqual(titleWords('The Recognition of Letters, and THE Digits'), ['recognition', 'letters', 'digits']);
    assert.deepEqual(titleWords('Распознавание букв и цифр для всех'), ['распознавание', 'букв', 'цифр']);
    assert.deepEqual(titleWords('Ձեռագիր տառերի ճանաչում այս աշխատանքում'), ['ձեռագիր', 'տառերի', 'ճանաչում', 'աշխատանքում']);
    assert.deepEqual(titleWords('Ёлки 2026: ＣＳ-101'), ['елки', '2026', 'cs', '101'], 'ё as е, fullwidth letters as plain ones, numbers kept');
    assert.deepEqual(titleWords('a of the и в'), [], 'a title of stop words only has no words');
  });

  test('the closest titles come first with their scores, above the threshold only', () => {
    const index = new TitleIndex(titles);
    const found = index.search('Recognition of handwritten Armenian letters by neural networks', { threshold: 0.1, limit: 10 });
    assert.deepEqual(
      found.map((f) => f.id),
      [1, 2],
      'the same words first, the title sharing fewer of them next; the Russian and Armenian titles share no word',
    );
    assert.ok(found[0]!.score > 0.9 && found[0]!.score <= 1, `nearly the same title (${found[0]!.score})`);
    assert.ok(found[1]!.score < found[0]!.score && found[1]!.score > 0.1);
    assert.equal(found[0]!.title, titles[0]!.title);
    assert.deepEqual(
      index.search('Recognition of handwritten Armenian letters by neural networks', { threshold: found[1]!.score + 0.01, limit: 10 }).map((f) => f.id),
      [1],
      'a higher threshold leaves the weaker match out',
    );
    assert.deepEqual(index.search('A university', { threshold: 0.1, limit: 10 }).map((f) => f.id).sort(), [3, 4], 'one shared word is enough above a low threshold');
  });

  test('titles in Russian and Armenian find their own kind; the same title scores 1', () => {
    const index = new TitleIndex(titles);
    const russian = index.search('Распознавание рукописных букв', { threshold: 0.2, limit: 5 });
    assert.deepEqual(russian.map((f) => f.id), [5]);
    const armenian = index.search('Ձեռագիր տառերի ճանաչում', { threshold: 0.2, limit: 5 });
    assert.deepEqual(armenian.map((f) => f.id), [6]);
    const same = index.search(titles[6]!.title, { threshold: 0.99, limit: 5 });
    assert.deepEqual(same.map((f) => [f.id, Number(f.score.toFixed(6))]), [[7, 1]]);
  });

  test('rare words weigh more than common ones; a thesis is not compared with itself when it changes', () => {
    const many = [...titles, ...Array.from({ length: 40 }, (_, i) => ({ id: 100 + i, title: `University study number ${i}` }))];
    const index = new TitleIndex(many);
    // "university" is in 42 titles, "scheduling" in one: the exams title wins over any of the 40.
    const found = index.search('University scheduling', { threshold: 0.05, limit: 3 });
    assert.equal(found[0]!.id, 4);
    assert.deepEqual(index.search(titles[3]!.title, { threshold: 0.5, limit: 5, exceptId: 4 }), [], 'its own title left out, nothing else is close');
    assert.deepEqual(index.search('', { threshold: 0, limit: 5 }), [], 'no words, no matches');
    assert.equal(index.search('University', { threshold: 0, limit: 5 }).length, 5, 'at most the limit');
  });
});
