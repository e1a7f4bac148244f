/**
 * The ledger chart's labels (adapters/web/public/chart.js, run here as the page runs it): the column fits the
 * longest label, so no label is cut; only a label longer than the widest column is shortened, keeping its end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const source = readFileSync(join(import.meta.dirname, '../../adapters/web/public/chart.js'), 'utf8');
const context: { module: { exports: Record<string, unknown> } } = { module: { exports: {} } };
runInNewContext(source, context);
const { fitLabels, labelWidth } = context.module.exports as {
  fitLabels: (labels: string[], max?: number) => { column: number; shown: string[] };
  labelWidth: (s: string) => number;
};

describe('chart labels', () => {
  it('the column is as wide as the longest label, and every label is drawn whole', () => {
    const labels = ['鹿城·区政府办公室', '浙江·省大数据发展管理局', '义乌·市数管中心', '县府办', 'A区·12345办公室'];
    const { column, shown } = fitLabels(labels);
    expect(shown).toEqual(labels);
    // The text is drawn right-aligned 6 units left of the bars and must start inside the chart.
    for (const l of labels) expect(column - 6 - labelWidth(l)).toBeGreaterThanOrEqual(0);
    expect(column).toBeLessThan(labelWidth('浙江·省大数据发展管理局') + 20);
  });

  it('a label longer than the widest column keeps its start and its end around …', () => {
    const long = '温州市鹿城区人民政府办公室政务公开科与大数据发展管理局联合工作专班';
    const { column, shown } = fitLabels([long, '县府办'], 200);
    expect(column).toBe(200);
    expect(shown[1]).toBe('县府办');
    expect(shown[0]).toMatch(/^温州市.*….*工作专班$/);
    expect(labelWidth(shown[0] as string)).toBeLessThanOrEqual(190);
  });
});
