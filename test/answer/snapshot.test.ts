import { mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnswerer, type Answerer } from '../../src/answer/index.js';
import { decodeSnapshot, encodeSnapshot, engineFingerprint, engineKey, openSnapshot } from '../../src/answer/snapshot.js';
import { itemById } from '../../src/answer/topic.js';
import type { WorkPlan } from '../../src/model.js';
import { conversation, extraLines as lines } from '../helpers/conversation.js';
import { plan } from '../helpers/plans.js';
import { samplePlans } from '../helpers/samples.js';

describe('answerer snapshot', () => {
  let plans: WorkPlan[];
  let built: Answerer;
  let bytes: Uint8Array;
  const fingerprint = engineFingerprint();
  const docs = () => built.plans().map((p) => ({ file: p.file, hash: `h-${p.file}`, meta: { source: 'samples' } }));
  const detailOf = (file: string) => (file.includes('义乌') ? undefined : `report of ${file}`);

  beforeAll(async () => {
    plans = await samplePlans();
    built = createAnswerer(plans, { answerCache: 0 });
    bytes = encodeSnapshot(
      built,
      docs().map((d) => ({ ...d, detail: detailOf(d.file) })),
      fingerprint,
    ).bytes;
  });

  it('loads to an answerer that answers every question as the one built', () => {
    const loaded = decodeSnapshot<{ source: string }>(bytes, fingerprint, { answerCache: 0 });
    expect(loaded).toBeDefined();
    expect(loaded?.docs).toEqual(docs());
    expect(conversation(loaded!.answerer, lines)).toEqual(conversation(built, lines));
  });

  it('answers as before after writing a snapshot that drops removed items and renumbers the rest', () => {
    // The removed plan first, so that dropping its items renumbers all the others.
    const engine = createAnswerer([plan('jd-new.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化转型。', ['县数据资源局*']]]), ...plans]);
    // Removed, but too few items to be compacted now: the snapshot drops them.
    engine.removePlan('jd-new.txt');
    conversation(engine, lines);
    encodeSnapshot(engine, docs(), fingerprint);
    // The same topics again, for askers of other units: the hits kept for them are read further down.
    const asked = lines.map((l) => ({ ...l, unit: l.unit ? undefined : '县政府办公室' }));
    expect(conversation(engine, asked)).toEqual(conversation(built, asked));
  });

  it('keeps each document\'s detail out of the list of documents, and gives it when asked', () => {
    const loaded = decodeSnapshot(bytes, fingerprint)!;
    expect(loaded.docs.every((d) => !('detail' in d))).toBe(true);
    const files = built.plans().map((p) => p.file);
    expect(files.some((f) => detailOf(f) === undefined) && files.some((f) => detailOf(f) !== undefined)).toBe(true);
    for (const f of files) expect(loaded.detail(f)).toBe(detailOf(f));
    expect(loaded.detail('no-such-file.txt')).toBeUndefined();
  });

  it('reads a plan only when it is asked for, and then gives the plan that was saved', () => {
    const loaded = decodeSnapshot(bytes, fingerprint)!;
    const first = loaded.answerer.plans()[0] as WorkPlan;
    expect(Object.getOwnPropertyDescriptor(first, 'items')?.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(first, 'lines')?.get).toBeTypeOf('function');
    expect(first.title).toBe((plans[0] as WorkPlan).title);
    // A cited item is read by id alone, without the plan's other items; the plan's items are then the same objects.
    const saved = (plans[0] as WorkPlan).items;
    const last = saved[saved.length - 1] as WorkPlan['items'][number];
    const cited = itemById(first, last.id);
    expect(cited?.title).toBe(last.title);
    expect(Object.getOwnPropertyDescriptor(first, 'items')?.get).toBeTypeOf('function');
    expect(itemById(first, 'no such item')).toBeUndefined();
    expect(first.items[saved.length - 1]).toBe(cited);
    expect(itemById(first, last.id)).toBe(cited);
    // An item's id and title come with the item; its body and assignments only when read.
    const item = first.items[0] as WorkPlan['items'][number];
    expect(item.title).toBe((plans[0] as WorkPlan).items[0]?.title);
    expect(Object.getOwnPropertyDescriptor(item, 'body')?.get).toBeTypeOf('function');
    expect(item.assignments).toEqual((plans[0] as WorkPlan).items[0]?.assignments);
    expect(Object.getOwnPropertyDescriptor(item, 'body')?.get).toBeUndefined();
    // Once read, the plan is the one saved, field for field and in the same key order.
    expect(JSON.stringify(loaded.answerer.plans())).toBe(JSON.stringify(plans));
    expect(Object.getOwnPropertyDescriptor(first, 'items')?.get).toBeUndefined();
  });

  it('keeps changing one document at a time after loading', () => {
    const loaded = decodeSnapshot(bytes, fingerprint, { answerCache: 0 })!.answerer;
    const extra = plan('jd-new.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化转型。建设政府公报数字化平台。', ['县数据资源局*']]]);
    loaded.addPlan(extra);
    built.addPlan(extra);
    const qs = ['政府公报数字化', '旌德县数据资源局牵头哪些工作', '有哪些文件'];
    for (const q of qs) expect(loaded.answer(q, { today: '2021-06-01' })).toEqual(built.answer(q, { today: '2021-06-01' }));
    expect(loaded.removePlan('jd-new.txt')).toBe(true);
    built.removePlan('jd-new.txt');
    for (const q of qs) expect(loaded.answer(q, { today: '2021-06-01' })).toEqual(built.answer(q, { today: '2021-06-01' }));
  });

  describe('from a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'yd-snap-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, b: Uint8Array) => {
      const path = join(dir, name);
      writeFileSync(path, b);
      return path;
    };

    it('reads a posting list at the first search for its term, and answers as the one built', () => {
      const snap = openSnapshot(write('a.snapshot', bytes), fingerprint, { answerCache: 0 })!;
      try {
        const { index } = snap.answerer;
        const terms = [...index.vocabulary()].length;
        expect(index.unreadLists).toBeGreaterThanOrEqual(terms);
        expect(snap.answerer.answer('依申请公开有什么要求').text).toBe(built.answer('依申请公开有什么要求').text);
        const afterOne = index.unreadLists;
        expect(afterOne).toBeLessThan(terms);
        expect(afterOne).toBeGreaterThan(terms / 2);
        expect(conversation(snap.answerer, lines)).toEqual(conversation(built, lines));
      } finally {
        snap.close();
      }
    });

    it('takes a change, and a snapshot written from it reads every list first (the old file can then go)', () => {
      const fresh = createAnswerer(plans, { answerCache: 0 });
      const snap = openSnapshot(write('b.snapshot', bytes), fingerprint, { answerCache: 0 })!;
      const extra = plan('jd-new.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化转型。建设政府公报数字化平台。', ['县数据资源局*']]]);
      const qs = ['政府公报数字化', '旌德县数据资源局牵头哪些工作', '依申请公开有什么要求', '有哪些文件'];
      snap.answerer.addPlan(extra);
      fresh.addPlan(extra);
      for (const q of qs) expect(snap.answerer.answer(q, { today: '2021-06-01' })).toEqual(fresh.answer(q, { today: '2021-06-01' }));
      const again = encodeSnapshot(snap.answerer, docs(), fingerprint);
      expect(snap.answerer.index.unreadLists).toBe(0);
      const path = write('c.snapshot', again.bytes);
      const closeNew = again.bind(path);
      snap.close();
      snap.answerer.removePlan(plans[0]!.file);
      fresh.removePlan(plans[0]!.file);
      for (const q of qs) expect(snap.answerer.answer(q, { today: '2021-06-01' })).toEqual(fresh.answer(q, { today: '2021-06-01' }));
      closeNew();
      const reread = openSnapshot(path, fingerprint, { answerCache: 0 })!;
      reread.answerer.removePlan(plans[0]!.file);
      for (const q of qs) expect(reread.answerer.answer(q, { today: '2021-06-01' })).toEqual(fresh.answer(q, { today: '2021-06-01' }));
      reread.close();
    });

    it('is not used when cut short before its plan texts', () => {
      const path = write('d.snapshot', bytes);
      truncateSync(path, Math.floor(bytes.length / 3));
      expect(openSnapshot(path, fingerprint)).toBeUndefined();
      expect(openSnapshot(join(dir, 'none.snapshot'), fingerprint)).toBeUndefined();
    });
  });

  it('is trusted on the stamp of the engine files, else compared by their contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yd-key-'));
    try {
      const settings = join(dir, 'thesaurus.txt');
      writeFileSync(settings, '咋整 => 办理\n');
      const key = engineKey([settings], 'extra');
      const written = encodeSnapshot(built, docs(), key).bytes;
      // Same files as they lay: no hashing at all.
      const again = engineKey([settings], 'extra');
      const fingerprint = vi.fn(again.fingerprint);
      expect(decodeSnapshot(written, { stamp: again.stamp, fingerprint })).toBeDefined();
      expect(fingerprint).not.toHaveBeenCalled();
      // Touched but the same: the stamp differs, the contents match.
      utimesSync(settings, new Date(2020, 0, 1), new Date(2020, 0, 1));
      const touched = engineKey([settings], 'extra');
      expect(touched.stamp).not.toBe(key.stamp);
      expect(decodeSnapshot(written, touched)).toBeDefined();
      // Changed, or other settings given otherwise: not used.
      writeFileSync(settings, '咋整 => 申请\n');
      expect(decodeSnapshot(written, engineKey([settings], 'extra'))).toBeUndefined();
      expect(decodeSnapshot(written, engineKey([settings], 'other'))).toBeUndefined();
      // A key whose files changed after it was stamped gives a fingerprint no snapshot has.
      const stale = engineKey([settings], 'extra');
      writeFileSync(settings, '咋整 => 办理\n');
      expect(stale.fingerprint()).not.toBe(key.fingerprint());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not used when written by other code or settings, or when it is not a snapshot', () => {
    expect(decodeSnapshot(bytes, 'another fingerprint')).toBeUndefined();
    expect(decodeSnapshot(new Uint8Array([1, 2, 3]), fingerprint)).toBeUndefined();
    expect(decodeSnapshot(bytes.subarray(0, bytes.length >> 1), fingerprint)).toBeUndefined();
    // A settings file (a user dictionary) is part of the fingerprint.
    const dict = join(__dirname, '..', 'eval', 'questions-extra.jsonl');
    expect(engineFingerprint([dict])).not.toBe(fingerprint);
  });
});
