/**
 * The peer the issue measures answers against, over the same corpus and questions: SQLite FTS5 over the same
 * jieba tokens as our index (title and body columns weighted 4:1 like ours, the question's tokens OR-ed, ranked by
 * bm25, top 10). Raw jieba is measured beside the build (throughput.ts).
 */
import Database from 'better-sqlite3';
import type { WorkPlan } from '../src/model.js';
import { Thesaurus } from '../src/search/thesaurus.js';
import { Tokenizer } from '../src/search/tokenizer.js';
import { UnitDirectory } from '../src/units/directory.js';
import { benchQuestions, itemText } from './corpus.js';
import { percentile, time } from './stats.js';

export interface PeerResult {
  fts5BuildMs: number;
  fts5P50Ms: number;
  fts5P99Ms: number;
}

export function runPeers(corpus: WorkPlan[], questions: number): PeerResult {
  // Our tokens: the same dictionary (政务 terms, thesaurus words, the corpus's unit names) and the same filtering.
  const tokenizer = new Tokenizer();
  tokenizer.addWords(new Thesaurus().targets());
  const directory = new UnitDirectory();
  for (const p of corpus) directory.addPlan(p);
  tokenizer.addWords(directory.words());
  const rows = corpus.flatMap((p) => p.items.map((it) => [tokenizer.tokenize(it.title).join(' '), tokenizer.tokenize(itemText(it)).join(' ')] as const));

  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE items USING fts5(title, body, tokenize = 'unicode61')");
  const insert = db.prepare('INSERT INTO items (rowid, title, body) VALUES (?, ?, ?)');
  const [, fts5BuildMs] = time(() =>
    db.transaction(() => {
      rows.forEach(([title, body], i) => insert.run(i + 1, title, body));
    })(),
  );
  const search = db.prepare('SELECT rowid FROM items WHERE items MATCH ? ORDER BY bm25(items, 4.0, 1.0) LIMIT 10');
  const matches = benchQuestions(corpus, questions)
    .map((q) => [...new Set(tokenizer.tokenize(q.q))].map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR '))
    .filter((m) => m.length > 0);
  for (const m of matches.slice(0, 50)) search.all(m);
  const lat = matches.map((m) => time(() => search.all(m))[1]);
  db.close();
  return { fts5BuildMs, fts5P50Ms: percentile(lat, 50), fts5P99Ms: percentile(lat, 99) };
}
