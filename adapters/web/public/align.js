// 要点助手 web page: the 对标 tab. Two loaded documents side by side, item by item: A's items in order with the items
// of B that carry them out (score, the sentence pair that shows why), A's items B lacks highlighted, B's own items
// listed after. Uses h() and api() from app.js; all text goes in through textContent.
'use strict';

(() => {
  const form = document.getElementById('align-form');
  const selA = document.getElementById('align-a');
  const selB = document.getElementById('align-b');
  const table = document.getElementById('align-table');
  const tbody = table.querySelector('tbody');
  const summary = document.getElementById('align-summary');
  const onlyB = document.getElementById('align-only-b');
  const xlsx = document.getElementById('align-xlsx');
  let loaded = false;

  const itemLink = (file, id, ref, title) => h('a', { href: `#doc=${encodeURIComponent(file)}&item=${encodeURIComponent(id)}` }, `${ref} ${title}`);

  async function loadDocs() {
    const { documents } = await api('/api/documents');
    // The level above first as the reference, then the others.
    const options = documents.map((d) => h('option', { value: d.file }, `${d.shortName || d.title}（${d.items}项）`));
    selA.replaceChildren(...options.map((o) => o.cloneNode(true)));
    selB.replaceChildren(...options);
    if (documents.length > 1) selB.selectedIndex = 1;
    loaded = true;
  }

  async function show() {
    const query = `a=${encodeURIComponent(selA.value)}&b=${encodeURIComponent(selB.value)}`;
    summary.textContent = '正在对照…';
    table.hidden = true;
    onlyB.replaceChildren();
    xlsx.hidden = true;
    let al;
    try {
      al = await api(`/api/align?${query}`);
    } catch (e) {
      summary.textContent = e.message;
      return;
    }
    document.getElementById('align-head-a').textContent = `${al.a.short}（对照）`;
    document.getElementById('align-head-b').textContent = al.b.short;
    summary.textContent = `${al.relation.text} 共 ${al.pairs.length} 组${al.names.pairs}；${al.names.onlyA} ${al.onlyA.length} 条；${al.names.onlyB} ${al.onlyB.length} 条。`;
    // A's items in document order, each with the items of B that carry it out, or marked as a gap.
    const rows = [];
    const docA = al.a.file;
    const docB = al.b.file;
    for (const it of al.items.a) {
      const mine = al.pairs.filter((p) => p.a === it.id);
      if (!mine.length) {
        rows.push(h('tr', { class: 'gap' }, h('td', {}, itemLink(docA, it.id, it.ref, it.title)), h('td', { text: `无对应（${al.names.onlyA}）` }), h('td', {}), h('td', {})));
        continue;
      }
      mine.forEach((x, i) => {
        rows.push(
          h('tr', { class: x.kind === 'split' ? 'split' : '' },
            i === 0 ? h('td', { rowspan: mine.length }, itemLink(docA, it.id, it.ref, it.title)) : null,
            h('td', {}, itemLink(docB, x.b, x.bRef, x.bTitle)),
            h('td', { text: x.score.toFixed(2) }),
            h('td', { class: 'why', text: `「${x.why.a}」↔「${x.why.b}」` }),
          ),
        );
      });
    }
    tbody.replaceChildren(...rows);
    table.hidden = false;
    if (al.onlyB.length) {
      const byId = new Map(al.items.b.map((it) => [it.id, it]));
      onlyB.replaceChildren(
        h('h3', { text: `${al.names.onlyB}（${al.b.short}有、${al.a.short}无）` }),
        h('ul', {}, ...al.onlyB.map((id) => h('li', {}, itemLink(docB, id, byId.get(id)?.ref ?? id, byId.get(id)?.title ?? '')))),
      );
    }
    xlsx.href = `/api/align.xlsx?${query}`;
    xlsx.hidden = false;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  window.addEventListener('yaodian:align', () => {
    if (!loaded) loadDocs().catch((e) => (summary.textContent = e.message));
  });
  if (location.hash === '#align') loadDocs().catch((e) => (summary.textContent = e.message));
})();
