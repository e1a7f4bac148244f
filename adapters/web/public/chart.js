// 要点助手 web page: sizing of the charts' text labels (loaded before app.js; no data, no DOM).
'use strict';

/** Estimated width of a label in SVG units at the charts' 12-unit font: CJK and full-width 1 em, others 0.6 em. */
function labelWidth(text) {
  let w = 0;
  for (const c of text) w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/.test(c) ? 12 : 7.2;
  return w;
}

/**
 * The bar chart's label column: wide enough for the longest label (up to `max` units, about 24 CJK characters);
 * a label longer than that is shortened in the middle with … so its start and its end (the unit's own name) show.
 * Returns the column width and each label as drawn.
 */
function fitLabels(labels, max = 290) {
  const gap = 10;
  const longest = Math.max(48, ...labels.map(labelWidth));
  const column = Math.min(max, Math.ceil(longest + gap));
  const room = column - gap;
  const shown = labels.map((text) => {
    if (labelWidth(text) <= room) return text;
    const chars = [...text];
    let head = 0;
    let tail = chars.length;
    let w = labelWidth('…');
    // Keep the end (the unit's own name) and as much of the start as fits.
    while (tail > head && w + labelWidth(chars[tail - 1]) <= room * 0.6) w += labelWidth(chars[--tail]);
    while (head < tail && w + labelWidth(chars[head]) <= room) w += labelWidth(chars[head++]);
    return `${chars.slice(0, head).join('')}…${chars.slice(tail).join('')}`;
  });
  return { column, shown };
}

if (typeof module === 'object' && module.exports) module.exports = { labelWidth, fitLabels };
