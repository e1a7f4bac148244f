import { afterEach, describe, expect, it } from 'vitest';
import { syncDocuments, uploadStore } from '../../src/store/documents.js';
import { openStore, planHash, type Store } from '../../src/store/index.js';
import { plan } from '../helpers/plans.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function memoryStore(): Promise<Store> {
  const s = await openStore({ dataDir: ':memory:' });
  stores.push(s);
  return s;
}

describe('uploads in the store', () => {
  it('keeps each upload’s bytes and hash, replaced by a new version, gone when removed', async () => {
    const uploads = uploadStore(await memoryStore(), { now: () => new Date('2021-09-01T00:00:00Z') });
    const bytes = Buffer.from([0, 1, 2, 255, 0xe4, 0xb8, 0xad]);
    await uploads.putUpload({ file: '要点.txt', bytes, hash: 'h1', by: 'upload' });
    expect(await uploads.upload('要点.txt')).toEqual({ file: '要点.txt', hash: 'h1', bytes: Buffer.from(bytes) });
    await uploads.putUpload({ file: '要点.txt', bytes: Buffer.from('新版'), hash: 'h2' });
    expect((await uploads.uploads()).map((u) => [u.file, u.hash, Buffer.from(u.bytes).toString()])).toEqual([['要点.txt', 'h2', '新版']]);
    await uploads.removeUpload('要点.txt');
    expect(await uploads.uploads()).toEqual([]);
    expect(await uploads.upload('要点.txt')).toBeUndefined();
  });

  it('remembers removed documents until they come back', async () => {
    const uploads = uploadStore(await memoryStore());
    await uploads.setRemoved('b.txt', true);
    await uploads.setRemoved('a.txt', true);
    await uploads.setRemoved('a.txt', true);
    expect(await uploads.removedFiles()).toEqual(['a.txt', 'b.txt']);
    await uploads.setRemoved('a.txt', false);
    expect(await uploads.removedFiles()).toEqual(['b.txt']);
  });

  it('announces nothing on SQLite (one instance)', async () => {
    const uploads = uploadStore(await memoryStore());
    expect(uploads.notifyDocumentsChanged).toBeUndefined();
    expect(uploads.onDocumentsChanged).toBeUndefined();
  });
});

describe('recording documents', () => {
  it('writes a version only once, however often the documents are recorded', async () => {
    const store = await memoryStore();
    const a = plan('a.txt', '旌德县', 2021, [['一.1', '做好财政信息公开。', ['县财政局']]]);
    const b = plan('b.txt', '青田县', 2021, [['一.1', '做好政务公开。', ['县府办']]]);
    a.lines = ['做好财政信息公开。'];
    b.lines = ['做好政务公开。'];
    expect(await syncDocuments(store, [a])).toEqual(['a.txt']);
    expect(await syncDocuments(store, [a, b], { by: 'upload' })).toEqual(['b.txt']);
    expect(await syncDocuments(store, [a, b], { by: 'upload' })).toEqual([]);
    const docs = await store.documents();
    expect(docs.map((d) => [d.file, d.hash, d.addedBy])).toEqual([
      ['a.txt', planHash(a), 'baseline'],
      ['b.txt', planHash(b), 'upload'],
    ]);
  });
});
