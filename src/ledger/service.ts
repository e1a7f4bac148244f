/**
 * The ledger over the loaded documents and the store's progress records: every row for the web page and its
 * exports, and one unit's tasks for 台账, `yaodian ledger` and the digest.
 */
import type { Catalog } from '../library.js';
import type { Store } from '../store/index.js';
import type { AnswerFile } from '../model.js';
import { toXlsx } from './export.js';
import { ledgerRows, progressLookup, sortRows, type LedgerRow } from './rows.js';
import { unitLedger, unitTasks, type UnitLedger, type UnitTasks } from './unit.js';
import { requireUnit, resolveStoredUnit } from './units.js';

export interface LedgerService {
  /** Every (item, unit) row on `today`, with the progress each unit recorded. */
  rows(today: string): Promise<LedgerRow[]>;
  /** A unit's tasks on `today`; the unit as typed or stored (a user error when unknown or ambiguous). */
  unitTasks(unit: string, today: string): Promise<UnitTasks>;
  unitLedger(unit: string, today: string): Promise<UnitLedger>;
  /** The spreadsheet of an answer's file (导出成表格): the rows of its items, only the unit's when it names one. */
  exportXlsx(file: AnswerFile, today: string): Promise<Buffer>;
}

export function createLedgerService(deps: { catalog: Catalog; store?: Pick<Store, 'progress' | 'progressOf'> }): LedgerService {
  const { catalog, store } = deps;
  const keyOfStored = (name: string) => resolveStoredUnit(catalog.directory, name)?.key;
  async function tasks(unit: string, today: string): Promise<UnitTasks> {
    const found = requireUnit(catalog.directory, unit);
    const progress = progressLookup((await store?.progressOf(found.name)) ?? [], () => found.unit.key);
    return unitTasks(catalog.plans(), catalog.directory, found, { today, progress });
  }
  return {
    async rows(today) {
      const progress = progressLookup((await store?.progress()) ?? [], keyOfStored);
      return ledgerRows(catalog.plans(), { today, keyOf: (region, name) => catalog.directory.keyOf(region, name), progress });
    },
    unitTasks: tasks,
    async exportXlsx(file, today) {
      const progress = progressLookup((await store?.progress()) ?? [], keyOfStored);
      const wanted = new Set(file.items);
      const unitKey = file.unit ? resolveStoredUnit(catalog.directory, file.unit)?.key : undefined;
      const rows = ledgerRows(catalog.plans(), { today, keyOf: (region, name) => catalog.directory.keyOf(region, name), progress }).filter(
        (r) => wanted.has(`${r.file}#${r.item}`) && (!unitKey || r.unitKey === unitKey),
      );
      return toXlsx(sortRows(rows), { title: file.name.replace(/\.xlsx$/, '') });
    },
    async unitLedger(unit, today) {
      return unitLedger(await tasks(unit, today));
    },
  };
}
